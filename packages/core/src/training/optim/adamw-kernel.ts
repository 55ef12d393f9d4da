import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../../errors/tl-error.js';

/**
 * The name of an optional tfjs kernel that performs one whole AdamW update for one parameter.
 * `AdamW` calls it whenever the active backend registers it (`tf.getKernel(TL_ADAMW_UPDATE,
 * tf.getBackend())`), and otherwise runs its generic op sequence. A backend registers it to replace
 * ~12 elementwise kernels and as many scalar uploads per parameter (on a GPU, launch overhead, not
 * arithmetic, dominates the optimizer step). @tl/backend-webgpu registers one in WGSL.
 *
 * Contract for an implementation (`tf.registerKernel({ kernelName: TL_ADAMW_UPDATE, backendName, kernelFunc })`):
 *   inputs  `{ param, grad, expAvg, expAvgSq }`: float32, all of one shape (`AdamWKernelInputs`);
 *           read only — the kernel must not write into them.
 *   attrs   `{ lr, weightDecay, beta1, beta2, eps, step, gradScale }` (`AdamWKernelAttrs`); `step` is
 *           the parameter's step count after this update (1 on the first); `gradScale` (float32)
 *           multiplies the gradient before anything else — the clip coefficient of clipping by
 *           global norm; absent means 1.
 *   outputs `[param, expAvg, expAvgSq]` after the update: three new float32 tensors of param's shape,
 *           owned by the caller (it assigns them to its variables and disposes them).
 *   math    torch's `_single_tensor_adamw`, exactly as `AdamW` does op by op:
 *             g ← g·gradScale                         (float32 product; skipped when 1)
 *             p ← p·(1 − lr·wd)                       (skipped when wd = 0)
 *             m ← lerp(m, g, 1 − β1)                  (torch.lerp: m + (g − m)·w for w < 0.5, else g − (g − m)·(1 − w))
 *             v ← β2·v + (1 − β2)·g²
 *             p ← p − lr/(1 − β1^step) · m / (√v / √(1 − β2^step) + eps)
 *   accuracy within 1e-6 (relative, fp32) of the op sequence; backends test this against `AdamW`
 *           with `useKernel: false`.
 * No gradient is defined: it is an optimizer kernel, never differentiated.
 */
export const TL_ADAMW_UPDATE = 'TlAdamWUpdate';

export interface AdamWKernelInputs {
  readonly param: tf.Tensor;
  readonly grad: tf.Tensor;
  readonly expAvg: tf.Tensor;
  readonly expAvgSq: tf.Tensor;
}

export interface AdamWKernelAttrs {
  readonly lr: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** The parameter's step count after this update (1 on the first). */
  readonly step: number;
  /** Multiplies the gradient first (the clip coefficient); absent or 1 for none. */
  readonly gradScale?: number;
}

/** Whether `backendName` (default: the active backend) registers the fused AdamW kernel. */
export function hasAdamWKernel(backendName: string | null = tf.getBackend()): boolean {
  return backendName != null && tf.getKernel(TL_ADAMW_UPDATE, backendName) != null;
}

/** Runs the kernel on the active backend: the new [param, expAvg, expAvgSq] (caller assigns and disposes). */
export function runAdamWKernel(inputs: AdamWKernelInputs, attrs: AdamWKernelAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  for (const [name, t] of Object.entries(inputs) as [string, tf.Tensor][]) {
    if (!tf.util.arraysEqual(t.shape, inputs.param.shape) || t.dtype !== 'float32') {
      throw new TlError(
        'TRAINING',
        `${TL_ADAMW_UPDATE}: ${name} is ${t.dtype} [${t.shape.join(', ')}]; every input must be float32 [${inputs.param.shape.join(', ')}] like param`,
      );
    }
  }
  const out = tf.engine().runKernel(
    TL_ADAMW_UPDATE,
    inputs as unknown as tf.NamedTensorMap,
    attrs as unknown as tf.NamedAttrMap,
  ) as tf.Tensor[];
  return [out[0]!, out[1]!, out[2]!];
}
