import * as tf from '@tensorflow/tfjs-core';
import {
  TL_ATTENTION_SOFTMAX,
  TL_ATTENTION_SOFTMAX_BACKWARD,
  attentionSoftmaxReference,
  hasAttentionSoftmaxKernels,
  runAttentionSoftmaxKernel,
} from '@tl/core';
import { describe, expect, it } from 'vitest';
import { compare, randn, type InputSpec } from './helpers/compare-backends.js';
import { useBackendPair } from './helpers/backend-pair-hooks.js';

/**
 * The fused TL_ATTENTION_SOFTMAX kernels on webgpu against the contract's op composition on cpu:
 * softmax(scores · scale + mask) and its gradient w.r.t. the scores.
 */
describe(`fused ${TL_ATTENTION_SOFTMAX} / ${TL_ATTENTION_SOFTMAX_BACKWARD} on webgpu`, () => {
  useBackendPair();

  /** On webgpu the kernels, on cpu the composition (the contract's reference). */
  const probs = (scores: tf.Tensor, mask: tf.Tensor, scale: number): tf.Tensor =>
    hasAttentionSoftmaxKernels() ? runAttentionSoftmaxKernel(scores as tf.Tensor4D, mask as tf.Tensor4D, scale) : attentionSoftmaxReference(scores, mask, scale);

  /** An additive mask [batch, 1, 1, keys]: 0 for the first lengths[b] keys, float32's lowest after. */
  const maskSpec = (lengths: number[], keys: number): InputSpec => ({
    kind: 'float',
    shape: [lengths.length, 1, 1, keys],
    values: Float32Array.from(lengths.flatMap((n) => Array.from({ length: keys }, (_, t) => (t < n ? 0 : -3.4028234663852886e38)))),
  });

  const cases = [
    { name: 'BERT head size (scale 1/8), padded sequences', shape: [3, 2, 20, 20], lengths: [20, 13, 1], scale: 1 / 8 },
    { name: 'more keys than the workgroup (130), irrational scale', shape: [2, 3, 5, 130], lengths: [130, 70], scale: 1 / Math.sqrt(24) },
    { name: 'one key', shape: [2, 1, 3, 1], lengths: [1, 1], scale: 0.5 },
  ];
  for (const c of cases) {
    it(`matches the composition on cpu, forward and gradient: ${c.name}`, async () => {
      const fn = (scores?: tf.Tensor, mask?: tf.Tensor, dy?: tf.Tensor): tf.Tensor[] => [
        probs(scores!, mask!, c.scale),
        tf.grad((s: tf.Tensor) => tf.sum(tf.mul(probs(s, mask!, c.scale), dy!)))(scores!),
      ];
      const worst = await compare(fn, [randn(c.shape, 40, 4), maskSpec(c.lengths, c.shape[3]!), randn(c.shape, 41)], 1e-5);
      expect(worst.excess, `output ${worst.output}[${worst.index}]: webgpu ${worst.webgpu} vs cpu ${worst.cpu}`).toBeLessThanOrEqual(1e-6);
    });
  }

  it('is one kernel each way', async () => {
    await tf.setBackend('webgpu');
    expect(hasAttentionSoftmaxKernels()).toBe(true);
    const scores = tf.randomNormal([2, 2, 4, 4]);
    const mask = tf.zeros([2, 1, 1, 4]);
    const info = await tf.profile(() => tf.tidy(() => void tf.grad((s: tf.Tensor) => tf.sum(probs(s, mask, 0.5)))(scores)));
    const names = info.kernels.map((x) => x.name).filter((n) => !['Reshape', 'Identity'].includes(n));
    expect(names.filter((n) => n === TL_ATTENTION_SOFTMAX || n === TL_ATTENTION_SOFTMAX_BACKWARD)).toEqual([TL_ATTENTION_SOFTMAX, TL_ATTENTION_SOFTMAX_BACKWARD]);
    expect(names).not.toContain('Softmax');
    tf.dispose([scores, mask]);
  });
});
