import { attr, input, inputList, type TorchKernel } from './kernel.js';

export const LINALG_KERNELS: TorchKernel[] = [
  {
    name: 'BatchMatMul',
    run: (args) => {
      const b = args.backend;
      b.addon.matmul(
        b.handle(input(args, 'a')),
        b.handle(input(args, 'b')),
        attr<boolean>(args.attrs, 'transposeA') ?? false,
        attr<boolean>(args.attrs, 'transposeB') ?? false,
        -1,
        'linear',
        0,
        -1,
        b.autocastBf16,
      );
      return b.output();
    },
  },
  {
    name: '_FusedMatMul',
    run: (args) => {
      const b = args.backend;
      const bias = args.inputs['bias'];
      const prelu = args.inputs['preluActivationWeights'];
      b.addon.matmul(
        b.handle(input(args, 'a')),
        b.handle(input(args, 'b')),
        attr<boolean>(args.attrs, 'transposeA') ?? false,
        attr<boolean>(args.attrs, 'transposeB') ?? false,
        bias ? b.handle(bias) : -1,
        attr<string>(args.attrs, 'activation') ?? 'linear',
        attr<number>(args.attrs, 'leakyreluAlpha') ?? 0.2,
        prelu ? b.handle(prelu) : -1,
        b.autocastBf16,
      );
      return b.output();
    },
  },
  {
    name: 'Einsum',
    run: (args) => {
      const b = args.backend;
      b.addon.einsum(attr<string>(args.attrs, 'equation'), b.handles(inputList(args)));
      return b.output();
    },
  },
];
