import { util } from '@tensorflow/tfjs-core';
import { attr, input, type TorchKernel, type TorchKernelArgs } from './kernel.js';

type Reduction = 'Sum' | 'Mean' | 'Max' | 'Min' | 'Prod' | 'All' | 'Any';

function reduction(name: Reduction, axisAttr = 'axis'): TorchKernel {
  return {
    name,
    run: (args) => {
      const b = args.backend;
      const x = input(args, 'x');
      const axes = util.parseAxisParam(attr<number | number[]>(args.attrs, axisAttr), x.shape);
      b.addon.reduce(name, b.handle(x), axes, attr<boolean>(args.attrs, 'keepDims') ?? false);
      return b.output();
    },
  };
}

function argReduction(name: 'ArgMax' | 'ArgMin'): TorchKernel {
  return {
    name,
    run: (args) => {
      const b = args.backend;
      const x = input(args, 'x');
      const [axis] = util.parseAxisParam(attr<number>(args.attrs, 'axis'), x.shape);
      b.addon.argReduce(name === 'ArgMax', b.handle(x), axis!);
      return b.output();
    },
  };
}

function scan(name: 'Cumsum' | 'Cumprod'): TorchKernel {
  return {
    name,
    run: (args: TorchKernelArgs) => {
      const b = args.backend;
      const x = input(args, 'x');
      b.addon.scan(
        name === 'Cumprod',
        b.handle(x),
        attr<number>(args.attrs, 'axis'),
        attr<boolean>(args.attrs, 'exclusive') ?? false,
        attr<boolean>(args.attrs, 'reverse') ?? false,
      );
      return b.output();
    },
  };
}

export const REDUCE_KERNELS: TorchKernel[] = [
  reduction('Sum'),
  reduction('Mean'),
  reduction('Max', 'reductionIndices'),
  reduction('Min'),
  reduction('Prod'),
  reduction('All'),
  reduction('Any'),
  argReduction('ArgMax'),
  argReduction('ArgMin'),
  scan('Cumsum'),
  scan('Cumprod'),
  {
    name: 'Softmax',
    run: (args) => {
      const b = args.backend;
      const logits = input(args, 'logits');
      b.addon.softmax(b.handle(logits), attr<number>(args.attrs, 'dim') ?? -1, false);
      return b.output();
    },
  },
  {
    name: 'TopK',
    run: (args) => {
      const b = args.backend;
      b.addon.topk(b.handle(input(args, 'x')), attr<number>(args.attrs, 'k'), attr<boolean>(args.attrs, 'sorted') ?? true);
      return b.outputs();
    },
  },
];
