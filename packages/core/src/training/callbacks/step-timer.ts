import * as tf from '@tensorflow/tfjs-core';
import { Callback, type StepContext } from '../callback.js';

/**
 * Records when each optimizer step ended, its loss and the engine's tensor count then: what a
 * throughput benchmark needs. The first step (kernel compilation, lazy state) is the baseline the
 * others are timed from, so `msPerStep` covers steps 2…n.
 */
export class StepTimer extends Callback {
  readonly name = 'step-timer';
  /** performance.now() at the end of each step. */
  readonly ends: number[] = [];
  readonly losses: number[] = [];
  readonly tensors: number[] = [];

  override onStepEnd(ctx: StepContext): void {
    this.ends.push(performance.now());
    this.losses.push(ctx.loss ?? NaN);
    this.tensors.push(tf.memory().numTensors);
  }

  /** Steps timed after the first. */
  get timedSteps(): number {
    return Math.max(0, this.ends.length - 1);
  }

  /** Mean wall time of the steps after the first (NaN with fewer than two steps). */
  get msPerStep(): number {
    return this.timedSteps > 0 ? (this.ends.at(-1)! - this.ends[0]!) / this.timedSteps : NaN;
  }

  /** Whether the tensor count was the same after every step from the second on (no leak per step). */
  get tensorsFlat(): boolean {
    return this.tensors.slice(1).every((n) => n === this.tensors[1]);
  }
}
