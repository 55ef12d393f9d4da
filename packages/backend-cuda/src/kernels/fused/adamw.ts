import { TL_ADAMW_UPDATE } from '@tl/core';
import { attr, input, type TorchKernel } from '../kernel.js';
import { finiteNumber as number } from './attrs.js';

/**
 * @tl/core's TL_ADAMW_UPDATE (contract: core's training/optim/adamw-kernel.ts): one
 * torch.optim.AdamW update of a parameter and its two moments, the gradient first scaled by
 * `gradScale` (the Trainer's clip coefficient), three new tensors out. In the addon
 * (native/fused.cc) it is one pass on the CPU, one PTX kernel on CUDA (ATen ops where PTX is not
 * available), instead of the ~12 elementwise kernels of core's op sequence.
 */
export const adamwKernel: TorchKernel = {
  name: TL_ADAMW_UPDATE,
  run: (args) => {
    const b = args.backend;
    const a = args.attrs;
    b.addon.adamW(
      b.handle(input(args, 'param')),
      b.handle(input(args, 'grad')),
      b.handle(input(args, 'expAvg')),
      b.handle(input(args, 'expAvgSq')),
      number(attr(a, 'lr'), 'lr'),
      number(attr(a, 'beta1'), 'beta1'),
      number(attr(a, 'beta2'), 'beta2'),
      number(attr(a, 'eps'), 'eps'),
      number(attr(a, 'weightDecay'), 'weightDecay'),
      number(attr(a, 'step'), 'step'),
      // Absent means 1 (the contract); core rounds it to float32 (Math.fround) before passing it.
      number(attr(a, 'gradScale') ?? 1, 'gradScale'),
      false,
    );
    return b.outputs();
  },
};
