import * as tf from '@tensorflow/tfjs-core';
import type { Initializer } from './init.js';
import type { ParameterStore } from './parameter-store.js';

/** torch.nn.LayerNorm over the last axis: biased variance, eps inside the square root. */
export class LayerNorm {
  readonly weightName: string;
  readonly biasName: string;
  constructor(
    private readonly store: ParameterStore,
    prefix: string,
    dim: number,
    private readonly eps: number,
    init: Initializer,
  ) {
    this.weightName = `${prefix}.weight`;
    this.biasName = `${prefix}.bias`;
    store.create(this.weightName, init.ones([dim]));
    store.create(this.biasName, init.zeros([dim]));
  }

  apply(x: tf.Tensor): tf.Tensor {
    const axis = x.rank - 1;
    const { mean, variance } = tf.moments(x, axis, true);
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
    return tf.add(tf.mul(normed, this.store.get(this.weightName)), this.store.get(this.biasName));
  }
}
