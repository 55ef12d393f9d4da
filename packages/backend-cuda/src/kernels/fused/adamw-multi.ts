import { ADAMW_KERNEL_INPUTS, TL_ADAMW_UPDATE_MULTI, adamWMultiInputName } from '@tl/core';
import { attr, input, type TorchKernel } from '../kernel.js';
import { finiteNumber } from './attrs.js';

/**
 * @tl/core's TL_ADAMW_UPDATE_MULTI (contract: core's training/optim/adamw-multi-kernel.ts): the
 * AdamW updates of every parameter in one call into the addon, which runs TL_ADAMW_UPDATE's update
 * (native/fused.cc) per parameter. One tfjs kernel call and one N-API call per optimizer step instead
 * of one each per parameter (201 for BERT-base).
 */
export const adamwMultiKernel: TorchKernel = {
  name: TL_ADAMW_UPDATE_MULTI,
  run: (args) => {
    const b = args.backend;
    const a = args.attrs;
    const lr = numbers(attr(a, 'lr'), 'lr');
    const n = lr.length;
    const handles = new Int32Array(4 * n);
    for (let i = 0; i < n; i++) {
      ADAMW_KERNEL_INPUTS.forEach((role, r) => (handles[4 * i + r] = b.handle(input(args, adamWMultiInputName(role, i)))));
    }
    b.addon.adamWMulti(
      handles,
      lr,
      numbers(attr(a, 'weightDecay'), 'weightDecay', n),
      numbers(attr(a, 'step'), 'step', n),
      finiteNumber(attr(a, 'beta1'), 'beta1'),
      finiteNumber(attr(a, 'beta2'), 'beta2'),
      finiteNumber(attr(a, 'eps'), 'eps'),
      finiteNumber(attr(a, 'gradScale') ?? 1, 'gradScale'),
    );
    return b.outputs();
  },
};

/** A per-parameter attribute: an array of finite numbers (of length `n` when given). */
function numbers(v: unknown, name: string, n?: number): Float64Array {
  if (!Array.isArray(v) || (n !== undefined && v.length !== n)) {
    throw new Error(`attr ${name} must be an array of ${n ?? 'per-parameter'} numbers, got ${String(v)}`);
  }
  return Float64Array.from(v, (x: unknown) => finiteNumber(x, name));
}
