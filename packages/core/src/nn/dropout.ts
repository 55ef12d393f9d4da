import * as tf from '@tensorflow/tfjs-core';

/**
 * Dropout that is active only in training mode and reproducible: every call within a forward pass
 * draws its mask from (seed, call index), so a training step replays bit-identically on resume.
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
    return tf.dropout(x, rate, undefined, seed);
  }
}
