import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../errors/tl-error.js';
import { hasGeluKernels, runGeluKernel } from './gelu-kernel.js';

export type Activation = (x: tf.Tensor) => tf.Tensor;

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * HF ACT2FN names → implementations. `gelu` is the exact erf form (torch default); on a backend that
 * registers the fused TL_GELU kernels (gelu-kernel.ts) it is one kernel each way.
 */
const ACTIVATIONS: Record<string, Activation> = {
  gelu: (x) => (x.dtype === 'float32' && hasGeluKernels() ? runGeluKernel(x) : tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT1_2)), 1))),
  gelu_new: (x) =>
    tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), SQRT_2_OVER_PI)), 1)),
  gelu_pytorch_tanh: (x) => ACTIVATIONS.gelu_new!(x),
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
};

export function activation(name: string): Activation {
  const fn = ACTIVATIONS[name];
  if (!fn) {
    throw new TlError('CONFIG', `unsupported activation "${name}"; supported: ${Object.keys(ACTIVATIONS).join(', ')}`);
  }
  return fn;
}
