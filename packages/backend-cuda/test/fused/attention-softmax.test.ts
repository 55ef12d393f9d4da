/**
 * TL_ATTENTION_SOFTMAX (+ _BACKWARD) on torch-cpu against the contract's op composition on tfjs
 * cpu (core's attentionSoftmaxReference): softmax(scores · scale + mask) and its gradient w.r.t.
 * the scores agree within the contract's 1e-6.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  TL_ATTENTION_SOFTMAX,
  TL_ATTENTION_SOFTMAX_BACKWARD,
  attentionSoftmaxReference,
  hasAttentionSoftmaxKernels,
  runAttentionSoftmaxKernel,
} from '@tl/core';
import { expectWithin, initBackends, inputs, kernelsRun, valuesOn } from './helpers.js';

beforeAll(initBackends);

/** The kernels where registered, the composition elsewhere. */
const probs = (scores: tf.Tensor, mask: tf.Tensor, scale: number): tf.Tensor =>
  hasAttentionSoftmaxKernels() ? runAttentionSoftmaxKernel(scores as tf.Tensor4D, mask as tf.Tensor4D, scale) : attentionSoftmaxReference(scores, mask, scale);

const CASES = [
  { label: 'BERT head size, padded sequences', shape: [3, 2, 9, 9], lengths: [9, 4, 1], scale: 1 / 8 },
  { label: '130 keys, irrational scale', shape: [2, 3, 4, 130], lengths: [130, 17], scale: 1 / Math.sqrt(24) },
  { label: 'one key', shape: [1, 1, 2, 1], lengths: [1], scale: 0.5 },
  { label: 'no queries', shape: [2, 2, 0, 5], lengths: [5, 5], scale: 0.5 },
];

/** y and dscores of sum(probs(scores) · w) on the active backend. */
function forwardAndGrad(c: (typeof CASES)[number], seed: number): tf.Tensor[] {
  const r = inputs(seed);
  const scores = r.float(c.shape, -6, 6);
  const w = r.float(c.shape);
  const k = c.shape[3]!;
  const mask = tf.tensor4d(c.lengths.flatMap((n) => Array.from({ length: k }, (_, t) => (t < n ? 0 : -3.4028234663852886e38))), [c.lengths.length, 1, 1, k]);
  const y = probs(scores, mask, c.scale);
  const ds = tf.grad((s: tf.Tensor) => tf.sum(tf.mul(probs(s, mask, c.scale), w)))(scores);
  tf.dispose([scores, w, mask]);
  return [y, ds];
}

describe('TL_ATTENTION_SOFTMAX on torch-cpu', () => {
  it('is registered (both kernels), so core uses it', () => {
    expect(hasAttentionSoftmaxKernels('torch-cpu')).toBe(true);
    expect(hasAttentionSoftmaxKernels('cpu')).toBe(false);
  });

  it.each(CASES.map((c, i) => ({ ...c, seed: 700 + i })))('$label: y and dscores match the composition on cpu within 1e-6', async (c) => {
    const want = await valuesOn('cpu', () => forwardAndGrad(c, c.seed));
    const got = await valuesOn('torch-cpu', () => forwardAndGrad(c, c.seed));
    expectWithin(['y', 'dscores'], got, want, 1e-6);
  });

  it('is one kernel each way', async () => {
    await tf.setBackend('torch-cpu');
    const r = inputs(1);
    const [scores, mask] = [r.float([2, 2, 3, 3]), tf.zeros([2, 1, 1, 3])];
    const counts = await kernelsRun(() => tf.grad((s: tf.Tensor) => tf.sum(probs(s, mask, 0.5)))(scores));
    expect(counts.get(TL_ATTENTION_SOFTMAX)).toBe(1);
    expect(counts.get(TL_ATTENTION_SOFTMAX_BACKWARD)).toBe(1);
    expect(counts.get('Softmax') ?? 0).toBe(0);
    tf.dispose([scores, mask]);
  });
});
