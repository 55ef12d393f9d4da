import type { DataType } from '@tensorflow/tfjs-core';
import { dtypeCode } from '../native/dtype.js';
import { attr, type TorchKernel } from './kernel.js';

/** tfjs's length rule for range(start, stop, step): empty when the step points away from stop. */
function rangeLength(start: number, stop: number, step: number): number {
  if (start === stop || (start < stop && step < 0) || (stop < start && step > 1)) return 0;
  return Math.abs(Math.ceil((stop - start) / step));
}

export const CREATION_KERNELS: TorchKernel[] = [
  {
    name: 'Fill',
    run: (args) => {
      const b = args.backend;
      const value = attr<number>(args.attrs, 'value');
      const dtype = attr<DataType>(args.attrs, 'dtype') ?? (typeof value === 'number' ? 'float32' : 'string');
      b.addon.fill(attr<number[]>(args.attrs, 'shape'), value, dtypeCode(dtype), b.device);
      return b.output();
    },
  },
  {
    name: 'Range',
    run: (args) => {
      const b = args.backend;
      const start = attr<number>(args.attrs, 'start');
      const step = attr<number>(args.attrs, 'step');
      const count = rangeLength(start, attr<number>(args.attrs, 'stop'), step);
      b.addon.range(start, step, count, dtypeCode(attr<DataType>(args.attrs, 'dtype') ?? 'float32'), b.device);
      return b.output();
    },
  },
  {
    name: 'LinSpace',
    run: (args) => {
      const b = args.backend;
      b.addon.linspace(attr<number>(args.attrs, 'start'), attr<number>(args.attrs, 'stop'), attr<number>(args.attrs, 'num'), b.device);
      return b.output();
    },
  },
];
