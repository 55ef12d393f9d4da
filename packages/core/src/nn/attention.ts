import * as tf from '@tensorflow/tfjs-core';
import { hasAttentionSoftmaxKernels, runAttentionSoftmaxKernel } from './attention-softmax-kernel.js';
import type { DropoutContext } from './dropout.js';

/** float32's lowest value, as HF uses for masked attention logits (exp underflows to exactly 0). */
const MASK_VALUE = -3.4028234663852886e38;

/** [batch, seq] 0/1 mask → additive [batch, 1, 1, seq] bias: 0 where attended, MASK_VALUE where not. */
export function additiveAttentionMask(attentionMask: tf.Tensor2D): tf.Tensor4D {
  const [b, s] = attentionMask.shape;
  return tf.reshape(tf.mul(tf.sub(1, tf.cast(attentionMask, 'float32')), MASK_VALUE), [b, 1, 1, s]);
}

/**
 * Scaled dot-product attention over already-projected q, k, v, each [batch·seq, hidden] rows (the
 * encoder's layout) or [batch, seq, hidden]: split into heads, softmax(q·kᵀ/√d + mask), dropout on
 * the probabilities, merge heads. Returns rows [batch·seq, hidden]; `maskBias` is [batch, 1, 1, seq].
 * Where the backend registers the attention-softmax kernels (attention-softmax-kernel.ts), the
 * scale, the mask and the softmax are one kernel each way; otherwise q is scaled before its product
 * (a [.., seq, d] product instead of a [.., seq, seq] one) and tfjs's softmax runs.
 */
export function scaledDotProductAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  maskBias: tf.Tensor4D,
  numHeads: number,
  dropoutRate: number,
  dropout: DropoutContext,
): tf.Tensor2D {
  const [b, s] = [maskBias.shape[0], maskBias.shape[3]];
  const h = q.shape[q.rank - 1]!;
  const d = h / numHeads;
  const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [b, s, numHeads, d]), [0, 2, 1, 3]);
  const scale = 1 / Math.sqrt(d);
  const attention = hasAttentionSoftmaxKernels()
    ? runAttentionSoftmaxKernel(tf.matMul(split(q), split(k), false, true) as tf.Tensor4D, maskBias, scale)
    : tf.softmax(tf.add(tf.matMul(tf.mul(split(q), scale), split(k), false, true), maskBias), -1);
  const probs = dropout.apply(attention, dropoutRate);
  const ctx = tf.matMul(probs, split(v));
  return tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [b * s, h]);
}
