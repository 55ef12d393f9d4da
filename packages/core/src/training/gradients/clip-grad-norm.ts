import * as tf from '@tensorflow/tfjs-core';
import { hasGlobalNormKernel, runGlobalNormKernel } from './global-norm-kernel.js';

/**
 * The global L2 norm of a set of gradients: √(Σ over tensors of Σ g²). Returns a scalar tensor the
 * caller owns.
 *
 * torch's `clip_grad_norm_` takes the norm of the per-tensor norms, √(Σ (√Σg²)²); the two differ only
 * in rounding (~1e-7 relative). This form is chosen for launch count: two kernels per gradient
 * (Square, Sum) where `tf.norm` runs four (Abs, Pow and its exponent upload, Sum, Sqrt) — on a GPU
 * backend, with ~200 gradients in a BERT-base, kernel launches rather than arithmetic are the cost.
 * A backend that registers TL_GLOBAL_NORM (global-norm-kernel.ts) does it all in one call.
 */
export function globalGradNorm(grads: Iterable<tf.Tensor>): tf.Scalar {
  const list = [...grads];
  if (list.length === 0) return tf.scalar(0);
  if (hasGlobalNormKernel() && list.every((g) => g.dtype === 'float32')) return runGlobalNormKernel(list);
  return tf.tidy(() => {
    const sums = list.map((g) => tf.sum(tf.square(g)));
    // stack, not addN: tfjs-webgpu binds every AddN input to one shader, past the device's limit of
    // storage buffers for a BERT's ~200 gradients; its Concat splits into groups.
    return tf.sqrt(sums.length === 1 ? sums[0]! : tf.sum(tf.stack(sums))) as tf.Scalar;
  });
}

/**
 * torch's clip coefficient min(1, max_norm / (total_norm + 1e-6)), computed in float32 as torch
 * computes it on its float32 norm (Math.fround after each operation gives exactly the float32
 * result: a double carries enough bits that rounding once more to float32 is correct for + and /).
 * 1 means no scaling: clipping off (`maxNorm <= 0`), a norm within bounds, or a non-finite norm
 * (the caller decides between error and skip).
 */
export function clipCoefficient(maxNorm: number, totalNorm: number): number {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm) || !Number.isFinite(totalNorm)) return 1;
  const denom = Math.fround(Math.fround(totalNorm) + Math.fround(1e-6));
  const coef = Math.fround(Math.fround(maxNorm) / denom);
  return coef < 1 ? coef : 1;
}

/** Multiplies every gradient by `coef` in place (the map's tensors are replaced, the old disposed). */
export function scaleGradients(grads: Map<string, tf.Tensor>, coef: number): void {
  if (coef === 1) return; // multiplying by exactly 1 is the identity in float32
  const c = tf.scalar(coef);
  try {
    for (const [name, g] of grads) {
      grads.set(name, tf.mul(g, c));
      g.dispose();
    }
  } finally {
    c.dispose();
  }
}

/**
 * torch's `clip_grad_norm_(grads, max_norm)`: clips in place and returns the total norm before
 * clipping (NaN/Infinity when a gradient is not finite, in which case nothing is scaled).
 */
export async function clipGradNorm(grads: Map<string, tf.Tensor>, maxNorm: number): Promise<number> {
  const total = globalGradNorm(grads.values());
  try {
    const value = (await total.data())[0]!;
    scaleGradients(grads, clipCoefficient(maxNorm, value));
    return value;
  } finally {
    total.dispose();
  }
}
