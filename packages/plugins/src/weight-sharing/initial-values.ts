import * as tf from '@tensorflow/tfjs-core';
import { tfjsSeed } from '@tl/core';

/**
 * A fresh value for a parameter, as HF's `_init_weights` for BERT-family models: LayerNorm weight 1
 * and bias 0, other biases 0, every other weight N(0, initializer_range), seeded.
 */
export function freshValue(name: string, shape: readonly number[], initializerRange: number, seed: number): tf.Tensor {
  if (/(LayerNorm|layer_norm)\.weight$/.test(name)) return tf.ones([...shape]);
  if (name.endsWith('.bias')) return tf.zeros([...shape]);
  return tf.randomNormal([...shape], 0, initializerRange, 'float32', tfjsSeed(seed));
}

/** The config's `initializer_range` (HF default 0.02). */
export function initializerRange(config: Readonly<Record<string, unknown>>): number {
  const r = config['initializer_range'];
  return typeof r === 'number' && r > 0 ? r : 0.02;
}
