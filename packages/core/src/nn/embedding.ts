import * as tf from '@tensorflow/tfjs-core';
import type { Initializer } from './init.js';
import type { ParameterStore } from './parameter-store.js';

/** torch.nn.Embedding: a table [rows, dim] looked up by int32 ids of any shape. */
export class Embedding {
  readonly weightName: string;
  constructor(
    private readonly store: ParameterStore,
    prefix: string,
    readonly rows: number,
    readonly dim: number,
    init: Initializer,
    paddingIdx?: number,
  ) {
    this.weightName = `${prefix}.weight`;
    store.create(this.weightName, init.embedding(rows, dim, paddingIdx));
  }

  apply(ids: tf.Tensor): tf.Tensor {
    const flat = tf.reshape(ids, [-1]);
    const rows = tf.gather(this.store.get(this.weightName), flat);
    return tf.reshape(rows, [...ids.shape, this.dim]);
  }
}
