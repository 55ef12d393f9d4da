import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createEngine } from '../../src/engine/create-engine.js';
import { clipGradNorm } from '../../src/training/gradients/clip-grad-norm.js';

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
});

describe('clipGradNorm (torch clip_grad_norm_)', () => {
  it('returns the total norm before clipping and scales by max_norm/(norm+1e-6)', async () => {
    // norms: |[3,4]| = 5, |[12]| = 12 → total 13
    const grads = new Map<string, tf.Tensor>([
      ['a', tf.tensor1d([3, 4])],
      ['b', tf.tensor1d([12])],
    ]);
    const before = tf.memory().numTensors;
    const total = await clipGradNorm(grads, 1);
    expect(total).toBeCloseTo(13, 5);
    const coef = 1 / (13 + 1e-6);
    expect(grads.get('a')!.dataSync()[0]).toBeCloseTo(3 * coef, 7);
    expect(grads.get('b')!.dataSync()[0]).toBeCloseTo(12 * coef, 7);
    expect(tf.memory().numTensors).toBe(before); // old gradients disposed, new ones replace them
    tf.dispose([...grads.values()]);
  });

  it('leaves gradients untouched (same tensors) when the norm is below max_norm', async () => {
    const a = tf.tensor1d([0.3, 0.4]);
    const grads = new Map([['a', a]]);
    expect(await clipGradNorm(grads, 1)).toBeCloseTo(0.5, 6);
    expect(grads.get('a')).toBe(a);
    a.dispose();
  });

  it('reports a non-finite norm and scales nothing', async () => {
    const a = tf.tensor1d([NaN, 1]);
    const grads = new Map([['a', a]]);
    expect(await clipGradNorm(grads, 1)).toBeNaN();
    expect(grads.get('a')).toBe(a);
    const b = tf.tensor1d([Infinity]);
    expect(await clipGradNorm(new Map([['b', b]]), 1)).toBe(Infinity);
    tf.dispose([a, b]);
  });
});
