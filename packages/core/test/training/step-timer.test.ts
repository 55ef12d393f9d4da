import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import { Callback } from '../../src/training/callback.js';
import { StepTimer } from '../../src/training/callbacks/step-timer.js';
import { Trainer } from '../../src/training/trainer.js';
import { ToyModel, toyCollator, toyExamples } from './support/toy-model.js';

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
});

async function fit(callbacks: Callback[]): Promise<void> {
  const model = new ToyModel();
  const trainer = new Trainer({ model, collator: toyCollator(), callbacks, args: { maxSteps: 4, batchSize: 2, shuffle: false, outputDir: '/tmp/tl-step-timer-test' } });
  await trainer.fit(toyExamples(8));
  trainer.dispose();
  model.dispose();
}

describe('StepTimer', () => {
  it('records every step; times the steps after the first', async () => {
    const timer = new StepTimer();
    await fit([timer]);
    expect(timer.ends).toHaveLength(4);
    expect(timer.losses.every(Number.isFinite)).toBe(true);
    expect(timer.timedSteps).toBe(3);
    expect(timer.msPerStep).toBeCloseTo((timer.ends[3]! - timer.ends[0]!) / 3, 9);
    expect(timer.msPerStep).toBeGreaterThan(0);
    expect(timer.tensorsFlat).toBe(true);
  });

  it('sees a per-step leak, and has no timing before two steps', async () => {
    class Leak extends Callback {
      readonly name = 'leak';
      readonly kept: tf.Tensor[] = [];
      override onStepEnd(): void {
        this.kept.push(tf.zeros([1]));
      }
    }
    const leak = new Leak();
    const timer = new StepTimer();
    await fit([leak, timer]);
    expect(timer.tensorsFlat).toBe(false);
    tf.dispose(leak.kept);
    expect(new StepTimer().msPerStep).toBeNaN();
  });
});
