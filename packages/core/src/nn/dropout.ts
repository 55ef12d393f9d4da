import * as tf from '@tensorflow/tfjs-core';
import { hasDropoutKernel, runDropoutKernel } from './dropout-kernel.js';
import { tfjsSeed } from './tfjs-seed.js';

/**
 * Dropout that is active only in training mode and reproducible: every call within a forward pass
 * draws its mask from (seed, call index), so a training step replays bit-identically on resume.
 * On a backend that registers the fused `TL_DROPOUT` kernel (dropout-kernel.ts) the mask is drawn
 * on the device by that kernel; elsewhere by `tf.dropout`.
 */
export class DropoutContext {
  private calls = 0;
  constructor(
    readonly training: boolean,
    private readonly seed: number,
  ) {}

  apply(x: tf.Tensor, rate: number): tf.Tensor {
    if (!this.training || rate <= 0) return x;
    const seed = (this.seed * 1_000_003 + this.calls++) % 2_147_483_647;
    if (rate < 1 && x.dtype === 'float32' && hasDropoutKernel()) return runDropoutKernel(x, { rate, seed });
    return tf.dropout(x, rate, undefined, tfjsSeed(seed));
  }
}
