/**
 * TL_GELU (+ _BACKWARD) on torch-cpu against @tl/core's fallback on tfjs cpu: core's `gelu`
 * activation composes tfjs ops (with tfjs's erf approximation) where the kernels are not
 * registered, and calls them where they are. Output and gradient agree within the contract's 1e-5.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TL_GELU, TL_GELU_BACKWARD, hasGeluKernels } from '@tl/core';
// core's activation table (its nn/ module is not part of the package's public API).
import { activation } from '../../../core/src/nn/activations.js';
import { expectWithin, initBackends, inputs, kernelsRun, valuesOn } from './helpers.js';

beforeAll(initBackends);

const gelu = activation('gelu');

const CASES = [
  { label: 'FFN-like activations', shape: [16, 64], lo: -4, hi: 4 },
  { label: 'large magnitudes (saturating both ways)', shape: [200], lo: -12, hi: 12 },
  { label: 'near zero', shape: [3, 3, 3], lo: -1e-3, hi: 1e-3 },
  { label: 'one element', shape: [1], lo: -2, hi: 2 },
  { label: 'a scalar', shape: [], lo: -2, hi: 2 },
  { label: 'no elements', shape: [0, 5], lo: -2, hi: 2 },
];

/** y and dx of sum(gelu(x) · w) on the active backend. */
function forwardAndGrad(c: (typeof CASES)[number], seed: number): tf.Tensor[] {
  const r = inputs(seed);
  const x = r.float(c.shape, c.lo, c.hi);
  const w = r.float(c.shape);
  const y = gelu(x);
  const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gelu(t), w)))(x);
  tf.dispose([x, w]);
  return [y, dx];
}

describe('TL_GELU on torch-cpu', () => {
  it('is registered (both kernels), so core uses it', () => {
    expect(hasGeluKernels('torch-cpu')).toBe(true);
    expect(hasGeluKernels('cpu')).toBe(false);
  });

  it.each(CASES.map((c, i) => ({ ...c, seed: 500 + i })))('$label: y and dx match core on cpu within 1e-5', async (c) => {
    const want = await valuesOn('cpu', () => forwardAndGrad(c, c.seed));
    const got = await valuesOn('torch-cpu', () => forwardAndGrad(c, c.seed));
    expectWithin(['y', 'dx'], got, want, 1e-5);
  });

  it('is one kernel each way', async () => {
    await tf.setBackend('torch-cpu');
    const x = inputs(1).float([4, 4]);
    const counts = await kernelsRun(() => tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x));
    expect(counts.get(TL_GELU)).toBe(1);
    expect(counts.get(TL_GELU_BACKWARD)).toBe(1);
    expect(counts.get('Erf') ?? 0).toBe(0);
    x.dispose();
  });
});
