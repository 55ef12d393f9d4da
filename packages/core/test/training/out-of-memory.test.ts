import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import { explainOutOfMemory } from '../../src/errors/out-of-memory.js';
import { TlError } from '../../src/errors/tl-error.js';
import { Callback } from '../../src/training/callback.js';
import { Trainer } from '../../src/training/trainer.js';
import { ToyModel, toyCollator, toyExamples } from './support/toy-model.js';

/**
 * The wasm backend's heap stops at 4 GiB (32-bit WebAssembly). A product past it — here a
 * 36 000 × 36 000 float32 matrix, 4.8 GiB — fails inside tfjs-backend-wasm with an error that names
 * nothing ("memory access out of bounds", or "Aborted()" from malloc); tl turns it into a TlError
 * that says what most likely happened and what to do.
 */
const hugeProduct = (): tf.Tensor => tf.tidy(() => tf.matMul(tf.ones([36000, 1]), tf.ones([1, 36000])));

beforeAll(async () => {
  await createEngine({ backend: 'wasm', backendOptions: { threads: 1 } });
});

describe('out of memory on wasm', () => {
  it('a real heap overflow is explained: the heap size, the limit, and what to change', () => {
    let raw: unknown;
    try {
      hugeProduct().dispose();
    } catch (e) {
      raw = e;
    }
    expect(raw).toBeInstanceOf(Error);
    const explained = explainOutOfMemory(raw);
    expect(explained).toBeInstanceOf(TlError);
    expect(explained!.code).toBe('BACKEND');
    expect(explained!.message).toMatch(/^the wasm backend most likely ran out of memory \(.+\): its heap had grown to \d+\.\d GiB, and WebAssembly's limit is 4\.0 GiB\. Lower the batch size/);
    expect(explained!.message).toMatch(/torch-cpu/);
    expect(explained!.cause).toBe(raw);
  });

  it('other errors pass through unchanged', () => {
    expect(explainOutOfMemory(new Error('shapes do not match'))).toBeUndefined();
    expect(explainOutOfMemory(new TlError('INPUT', 'Aborted(bad line)'))).toBeUndefined();
    expect(explainOutOfMemory('Aborted()')).toBeUndefined();
  });

  it('the Trainer rethrows it explained when a step runs out of memory', async () => {
    class Huge extends Callback {
      readonly name = 'huge';
      override onStepStart(): void {
        hugeProduct().dispose();
      }
    }
    const model = new ToyModel();
    const trainer = new Trainer({ model, collator: toyCollator(), callbacks: [new Huge()], args: { maxSteps: 1, batchSize: 2, outputDir: '/tmp/tl-oom-test' } });
    await expect(trainer.fit(toyExamples(4))).rejects.toThrow(/the wasm backend most likely ran out of memory/);
    trainer.dispose();
    model.dispose();
  });
});
