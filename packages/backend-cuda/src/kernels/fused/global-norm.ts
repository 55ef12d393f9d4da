import { TL_GLOBAL_NORM, globalNormInputName } from '@tl/core';
import { input, type TorchKernel, type TorchKernelArgs } from '../kernel.js';

/**
 * @tl/core's TL_GLOBAL_NORM (contract: core's training/gradients/global-norm-kernel.ts): the global L2
 * norm of all gradients in one call (native/fused.cc: core's composition on the CPU, _foreach_norm on CUDA).
 */
export const globalNormKernel: TorchKernel = {
  name: TL_GLOBAL_NORM,
  run: (args) => {
    const b = args.backend;
    b.addon.globalNorm(Int32Array.from(inputsInOrder(args), (t) => b.handle(t)));
    return b.output();
  },
};

/** x0, x1, … in index order (tfjs passes the named inputs as an object). */
function inputsInOrder(args: TorchKernelArgs): ReturnType<typeof input>[] {
  const n = Object.keys(args.inputs).length;
  if (n === 0) throw new Error(`${TL_GLOBAL_NORM} needs at least one input`);
  return Array.from({ length: n }, (_, i) => input(args, globalNormInputName(i)));
}
