import * as tf from '@tensorflow/tfjs-core';

/**
 * A fused AdamW update as a tfjs kernel, so an optimizer can replace ~12 elementwise dispatches and
 * as many scalar uploads per parameter with 3 dispatches (WebGPU launch overhead, not arithmetic,
 * dominates the optimizer step there). The math is exactly @tl/core's `AdamW` (torch semantics):
 *
 *     p ← p·(1 − lr·wd);  m ← lerp(m, g, 1 − β1);  v ← β2·v + (1 − β2)·g²
 *     p ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + eps)
 *
 * Registered for `webgpu` by this package; an optimizer asks `hasFusedAdamW()` and otherwise runs
 * its op-by-op path.
 */
export const ADAMW_UPDATE = 'TlAdamWUpdate';

export interface AdamWUpdateInputs {
  readonly param: tf.Tensor;
  readonly grad: tf.Tensor;
  readonly expAvg: tf.Tensor;
  readonly expAvgSq: tf.Tensor;
}

export interface AdamWUpdateAttrs {
  readonly lr: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** The step count after this update (1 on the first). */
  readonly step: number;
}

/** Whether the active backend has the fused kernel. */
export function hasFusedAdamW(): boolean {
  const backend = tf.getBackend();
  return backend != null && tf.getKernel(ADAMW_UPDATE, backend) != null;
}

/** Runs the fused kernel: returns the new [param, expAvg, expAvgSq] (caller assigns and disposes). */
export function adamwUpdate(inputs: AdamWUpdateInputs, attrs: AdamWUpdateAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  for (const [name, t] of Object.entries(inputs) as [string, tf.Tensor][]) {
    if (!tf.util.arraysEqual(t.shape, inputs.param.shape) || t.dtype !== 'float32') {
      throw new Error(`${ADAMW_UPDATE}: ${name} is ${t.dtype} [${t.shape.join(', ')}], param is float32 [${inputs.param.shape.join(', ')}]`);
    }
  }
  const out = tf.engine().runKernel(
    ADAMW_UPDATE,
    inputs as unknown as tf.NamedTensorMap,
    attrs as unknown as tf.NamedAttrMap,
  ) as tf.Tensor[];
  return [out[0]!, out[1]!, out[2]!];
}
