import { TL_DROPOUT, dropoutKeys, dropoutThreshold } from '@tl/core';
import { attr, input, type TorchKernel } from '../kernel.js';

/**
 * @tl/core's TL_DROPOUT (contract: core's nn/dropout-kernel.ts): x · mask, the mask drawn from the
 * contract's counter-based hash of (seed, row-major index), so it is bit for bit the mask of every
 * other tl backend and of core's `dropoutMaskReference`. The per-call keys and threshold come from
 * core's own `dropoutKeys`/`dropoutThreshold`; the addon (native/dropout.cc) evaluates the hash per
 * element — a parallel loop on the CPU, a PTX kernel on CUDA (ATen int32 ops where PTX is not
 * available). The gradient (the same kernel on dy) is registered by core.
 */
export const dropoutKernel: TorchKernel = {
  name: TL_DROPOUT,
  run: (args) => {
    const b = args.backend;
    const rate = attr<number>(args.attrs, 'rate');
    const seed = attr<number>(args.attrs, 'seed');
    if (!(rate >= 0 && rate < 1)) throw new Error(`rate must lie in [0, 1), got ${rate}`);
    if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) throw new Error(`seed must be an integer in [0, 2^32), got ${seed}`);
    const [k1, k2] = dropoutKeys(seed);
    b.addon.dropout(b.handle(input(args, 'x')), k1, k2, dropoutThreshold(rate), 1 / (1 - rate), false);
    return b.output();
  },
};
