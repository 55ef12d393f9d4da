import * as tf from '@tensorflow/tfjs-core';
import { hasLayerNormKernels, runLayerNormKernel } from './layer-norm-kernel.js';
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
    return layerNorm(x, this.store.get(this.weightName), this.store.get(this.biasName), this.eps);
  }
}

/**
 * LayerNorm over the last axis (torch semantics): the backend's fused TL_LAYER_NORM kernel when it
 * registers one (layer-norm-kernel.ts), else tfjs ops.
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  if (x.dtype === 'float32' && x.rank >= 1 && hasLayerNormKernels()) return runLayerNormKernel(x, gamma, beta, eps);
  const { mean, variance } = tf.moments(x, x.rank - 1, true);
  const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(normed, gamma), beta);
}
