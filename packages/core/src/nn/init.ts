import * as tf from '@tensorflow/tfjs-core';
import { tfjsSeed } from './tfjs-seed.js';

/**
 * Deterministic initial values for parameters a checkpoint does not provide (a new task head, a model
 * built from a config). Mirrors HF `_init_weights` for BERT-family models: Linear and Embedding weights
 * ~ N(0, initializer_range), biases 0, LayerNorm weight 1 / bias 0, the padding row of an embedding 0.
 */
export class Initializer {
  private counter = 0;
  constructor(
    private readonly std: number,
    private readonly seed: number,
  ) {}

  normal(shape: number[]): tf.Tensor {
    return tf.randomNormal(shape, 0, this.std, 'float32', tfjsSeed(this.seed * 7919 + this.counter++));
  }

  zeros(shape: number[]): tf.Tensor {
    return tf.zeros(shape);
  }

  ones(shape: number[]): tf.Tensor {
    return tf.ones(shape);
  }

  /** An embedding table with the padding row zeroed, as nn.Embedding(padding_idx=...) is initialised. */
  embedding(rows: number, dim: number, paddingIdx?: number): tf.Tensor {
    return tf.tidy(() => {
      const w = this.normal([rows, dim]);
      if (paddingIdx === undefined || paddingIdx < 0 || paddingIdx >= rows) return w;
      const keep = tf.reshape(tf.oneHot(tf.tensor1d([paddingIdx], 'int32'), rows), [rows, 1]);
      return tf.mul(w, tf.sub(1, keep));
    });
  }
}
