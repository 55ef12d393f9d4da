import * as tf from '@tensorflow/tfjs-core';
import { Linear } from '../../nn/linear.js';
import { joinName } from '../naming.js';
import type { HeadContext } from './head.js';

/** BERT/RoBERTa pooler: tanh(dense(h[:, 0])). */
export class Pooler {
  private readonly dense: Linear;
  constructor(ctx: HeadContext) {
    const h = ctx.cfg.hiddenSize;
    this.dense = new Linear(ctx.store, joinName(ctx.encoder.basePrefix, 'pooler', 'dense'), h, h, ctx.init);
  }
  apply(hidden: tf.Tensor3D): tf.Tensor2D {
    return tf.tanh(this.dense.apply(firstToken(hidden))) as tf.Tensor2D;
  }
}

/** h[:, 0, :] — the [CLS] / <s> position. */
export function firstToken(hidden: tf.Tensor3D): tf.Tensor2D {
  const [b, , h] = hidden.shape;
  return tf.reshape(tf.slice(hidden, [0, 0, 0], [b, 1, h]), [b, h]);
}
