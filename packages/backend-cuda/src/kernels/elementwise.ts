import type { DataType } from '@tensorflow/tfjs-core';
import { dtypeCode } from '../native/dtype.js';
import type { TorchAddon } from '../native/addon.js';
import { attr, input, inputList, type TorchKernel } from './kernel.js';

/** Input names of binary kernels whose inputs are not {a, b}. */
const BINARY_INPUTS: Record<string, readonly [string, string]> = {
  Prelu: ['x', 'alpha'],
  EluGrad: ['dy', 'y'],
};

/** One kernel per entry of the addon's unary and binary op tables. */
export function elementwiseKernels(addon: TorchAddon): TorchKernel[] {
  const unary = addon.unaryOps.map((name, code): TorchKernel => ({
    name,
    run: (args) => {
      args.backend.addon.unary(code, args.backend.handle(input(args, 'x')));
      return args.backend.output();
    },
  }));
  const binary = addon.binaryOps.map((name, code): TorchKernel => {
    const [first, second] = BINARY_INPUTS[name] ?? ['a', 'b'];
    return {
      name,
      run: (args) => {
        const b = args.backend;
        b.addon.binary(code, b.handle(input(args, first)), b.handle(input(args, second)));
        return b.output();
      },
    };
  });
  return [...unary, ...binary, ...OTHER_ELEMENTWISE];
}

const OTHER_ELEMENTWISE: TorchKernel[] = [
  {
    name: 'Cast',
    run: (args) => {
      const b = args.backend;
      b.addon.cast(b.handle(input(args, 'x')), dtypeCode(attr<DataType>(args.attrs, 'dtype')));
      return b.output();
    },
  },
  {
    name: 'Step',
    run: (args) => {
      const b = args.backend;
      b.addon.step(b.handle(input(args, 'x')), attr<number>(args.attrs, 'alpha') ?? 0);
      return b.output();
    },
  },
  {
    name: 'LeakyRelu',
    run: (args) => {
      const b = args.backend;
      b.addon.leakyRelu(b.handle(input(args, 'x')), attr<number>(args.attrs, 'alpha'));
      return b.output();
    },
  },
  {
    name: 'ClipByValue',
    run: (args) => {
      const b = args.backend;
      b.addon.clipByValue(b.handle(input(args, 'x')), attr<number>(args.attrs, 'clipValueMin'), attr<number>(args.attrs, 'clipValueMax'));
      return b.output();
    },
  },
  {
    name: 'Select',
    run: (args) => {
      const b = args.backend;
      b.addon.select(b.handle(input(args, 'condition')), b.handle(input(args, 't')), b.handle(input(args, 'e')));
      return b.output();
    },
  },
  {
    name: 'AddN',
    run: (args) => {
      const b = args.backend;
      b.addon.addN(b.handles(inputList(args)));
      return b.output();
    },
  },
];
