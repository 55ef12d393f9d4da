import * as tf from '@tensorflow/tfjs-core';
import type { Initializer } from './init.js';
import type { ParameterStore } from './parameter-store.js';

/**
 * torch.nn.Linear with torch's weight layout [out, in], so HF weights load as stored: y = x·Wᵀ + b.
 * Inputs of any rank are flattened to 2-D for one matmul (one kernel call instead of a batched one);
 * 2-D inputs (the encoder's rows) go in as they are, with no Reshape either way.
 */
export class Linear {
  readonly weightName: string;
  readonly biasName: string;
  constructor(
    private readonly store: ParameterStore,
    prefix: string,
    readonly inFeatures: number,
    readonly outFeatures: number,
    init: Initializer,
  ) {
    this.weightName = `${prefix}.weight`;
    this.biasName = `${prefix}.bias`;
    store.create(this.weightName, init.normal([outFeatures, inFeatures]));
    store.create(this.biasName, init.zeros([outFeatures]));
  }

  apply(x: tf.Tensor): tf.Tensor {
    // `value`: the weight as a parametrisation (e.g. a LoRA adapter) presents it, else the stored one.
    const w = this.store.value(this.weightName);
    const b = this.store.get(this.biasName);
    if (x.rank === 2) return tf.add(tf.matMul(x, w, false, true), b);
    const lead = x.shape.slice(0, -1);
    const y = tf.add(tf.matMul(tf.reshape(x, [-1, this.inFeatures]), w, false, true), b);
    return lead.length === 1 ? y : tf.reshape(y, [...lead, this.outFeatures]);
  }
}
