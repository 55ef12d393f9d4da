import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { leadingSumHooks } from '../src/kernels/sum/leading-axes-sum-webgpu.js';
import { withTfjsKernels } from '../src/index.js';
import { compare, randn } from './helpers/compare-backends.js';
import { useBackendPair } from './helpers/backend-pair-hooks.js';
import { ATOL, RTOL } from './helpers/kernel-cases.js';

/**
 * tl's Sum over leading axes (column sums without tfjs's transpose: every bias gradient) against the
 * cpu backend, and the cases it leaves to tfjs's kernel.
 */
describe('leading-axes Sum on webgpu', () => {
  useBackendPair();

  const cases: Array<{ label: string; shape: number[]; axis: number | number[]; keepDims?: boolean; tl: boolean }> = [
    { label: 'a bias gradient, [300, 70] over rows (5 blocks, a short last one)', shape: [300, 70], axis: 0, tl: true },
    { label: 'rank 3 over the two leading axes, keepDims', shape: [4, 75, 20], axis: [1, 0], keepDims: true, tl: true },
    { label: 'rank 3 over the first axis only', shape: [130, 3, 7], axis: 0, tl: true },
    { label: 'exactly one block (64 rows)', shape: [64, 16], axis: [0], tl: true },
    { label: 'few rows: tfjs', shape: [63, 40], axis: 0, tl: false },
    { label: 'few columns: tfjs', shape: [500, 15], axis: 0, tl: false },
    { label: 'the last axis: tfjs', shape: [300, 70], axis: 1, tl: false },
    { label: 'all axes: tfjs', shape: [300, 70], axis: [0, 1], tl: false },
  ];
  for (const c of cases) {
    it(`${c.label} matches cpu`, async () => {
      const before = leadingSumHooks.runs;
      const worst = await compare((x?: tf.Tensor) => tf.sum(x!, c.axis, c.keepDims ?? false), [randn(c.shape, 11, 2)], RTOL);
      expect(worst.excess, `output ${worst.output}[${worst.index}]: webgpu ${worst.webgpu} vs cpu ${worst.cpu}`).toBeLessThanOrEqual(ATOL);
      expect(leadingSumHooks.runs - before, 'tl kernel runs').toBe(c.tl ? 1 : 0);
    });
  }

  it('is the same on every run, and tfjs\'s kernel agrees within float32 rounding', async () => {
    await tf.setBackend('webgpu');
    const x = tf.randomNormal([4096, 96], 0, 1, 'float32', 3);
    const [a, b] = [tf.sum(x, 0), tf.sum(x, 0)];
    const tfjs = await withTfjsKernels(() => tf.sum(x, 0), [tf.Sum]);
    const [va, vb, vt] = [await a.data(), await b.data(), await tfjs.data()];
    expect(va).toEqual(vb);
    va.forEach((v, i) => expect(Math.abs(v - vt[i]!)).toBeLessThan(1e-3));
    tf.dispose([x, a, b, tfjs]);
  });

  it('leaves nothing behind', async () => {
    await tf.setBackend('webgpu');
    const x = tf.randomNormal([300, 70]);
    const before = tf.memory().numTensors;
    tf.sum(x, 0).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
