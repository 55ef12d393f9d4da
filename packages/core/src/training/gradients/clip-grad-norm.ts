import * as tf from '@tensorflow/tfjs-core';

/**
 * The global L2 norm of a set of gradients, computed as torch's `clip_grad_norm_` does: the norm of
 * the vector of per-tensor norms. Returns a scalar tensor the caller owns.
 */
export function globalGradNorm(grads: Iterable<tf.Tensor>): tf.Scalar {
  const list = [...grads];
  if (list.length === 0) return tf.scalar(0);
  return tf.tidy(() => tf.norm(tf.stack(list.map((g) => tf.norm(g)))) as tf.Scalar);
}

/**
 * Scales every gradient by torch's clip coefficient min(1, max_norm / (total_norm + 1e-6)), in place
 * (the map's tensors are replaced and the old ones disposed), given the already measured total norm.
 * The coefficient is computed in float32 from the float32 norm, as torch does. Nothing happens for a
 * non-finite norm (the caller decides between error and skip), for `maxNorm <= 0` (clipping off), or
 * when the coefficient is 1 (multiplying by exactly 1 is the identity in float32).
 */
export async function scaleToMaxNorm(grads: Map<string, tf.Tensor>, maxNorm: number, totalNorm: tf.Scalar): Promise<void> {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) return;
  const coef = tf.tidy(() => tf.minimum(tf.div(tf.scalar(maxNorm), tf.add(totalNorm, 1e-6)), 1));
  try {
    const c = (await coef.data())[0]!;
    if (!Number.isFinite(c) || c >= 1) return;
    for (const [name, g] of grads) {
      grads.set(name, tf.mul(g, coef));
      g.dispose();
    }
  } finally {
    coef.dispose();
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
    if (Number.isFinite(value)) await scaleToMaxNorm(grads, maxNorm, total);
    return value;
  } finally {
    total.dispose();
  }
}
