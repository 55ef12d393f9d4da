import * as tf from '@tensorflow/tfjs-core';

/**
 * Sums gradients over the micro-batches of one optimizer step (gradient accumulation). It owns the
 * sums; `take()` hands them over and empties the accumulator.
 */
export class GradientAccumulator {
  private sums = new Map<string, tf.Tensor>();

  /** Adds a micro-batch's gradients, taking ownership of them. */
  add(grads: ReadonlyMap<string, tf.Tensor>): void {
    for (const [name, g] of grads) {
      const prev = this.sums.get(name);
      if (prev === undefined) {
        this.sums.set(name, g);
      } else {
        this.sums.set(name, tf.add(prev, g));
        prev.dispose();
        g.dispose();
      }
    }
  }

  get isEmpty(): boolean {
    return this.sums.size === 0;
  }

  /** The summed gradients; the caller now owns (and must dispose) them. */
  take(): Map<string, tf.Tensor> {
    const out = this.sums;
    this.sums = new Map();
    return out;
  }

  /** Drops whatever was accumulated (a skipped step). */
  clear(): void {
    tf.dispose([...this.sums.values()]);
    this.sums.clear();
  }
}
