import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import { expectEachClose } from './support/expect-close.js';
import { additiveAttentionMask, scaledDotProductAttention } from '../../src/nn/attention.js';
import {
  TL_ATTENTION_SOFTMAX,
  TL_ATTENTION_SOFTMAX_BACKWARD,
  hasAttentionSoftmaxKernels,
  type AttentionSoftmaxAttrs,
} from '../../src/nn/attention-softmax-kernel.js';
import { DropoutContext } from '../../src/nn/dropout.js';

/** The contract's two kernels in plain JS (float64 per row) for `cpu`, in this file's worker only. */
const calls = { forward: 0, backward: 0 };
const values = (backend: unknown, t: tf.TensorInfo): Float32Array => (backend as MathBackendCPU).data.get(t.dataId)!.values as Float32Array;

const forward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  calls.forward++;
  const { scores, maskBias } = inputs as { scores: tf.TensorInfo; maskBias: tf.TensorInfo };
  const { scale } = attrs as unknown as AttentionSoftmaxAttrs;
  const [b, h, q, k] = scores.shape as [number, number, number, number];
  const s = values(backend, scores);
  const m = values(backend, maskBias);
  const y = new Float32Array(s.length);
  for (let row = 0; row < b * h * q; row++) {
    const base = row * k;
    const mask = Math.floor(row / (h * q)) * k;
    const z = Array.from({ length: k }, (_, j) => s[base + j]! * scale + m[mask + j]!);
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, v) => a + v, 0);
    e.forEach((v, j) => (y[base + j] = v / sum));
  }
  return (backend as MathBackendCPU).makeTensorInfo(scores.shape, 'float32', y);
};
const backward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  calls.backward++;
  const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
  const { scale } = attrs as unknown as AttentionSoftmaxAttrs;
  const k = y.shape.at(-1)!;
  const [d, p] = [values(backend, dy), values(backend, y)];
  const dx = new Float32Array(p.length);
  for (let base = 0; base < p.length; base += k) {
    let dot = 0;
    for (let j = 0; j < k; j++) dot += d[base + j]! * p[base + j]!;
    for (let j = 0; j < k; j++) dx[base + j] = scale * p[base + j]! * (d[base + j]! - dot);
  }
  return (backend as MathBackendCPU).makeTensorInfo(y.shape, 'float32', dx);
};

/** Attention's output and its gradients w.r.t. q, k, v (and the mask bias) for a weighted sum, one padded sequence. */
function attentionAndGrads(): Float32Array[] {
  return tf.tidy(() => {
    const [b, s, heads, hidden] = [2, 5, 2, 8];
    const [q, k, v] = [1, 2, 3].map((seed) => tf.randomNormal([b * s, hidden], 0, 1, 'float32', seed));
    const mask = additiveAttentionMask(tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], [2, 5], 'int32'));
    const w = tf.randomNormal([b * s, hidden], 0, 1, 'float32', 4);
    const off = new DropoutContext(false, 0);
    const out = scaledDotProductAttention(q!, k!, v!, mask, heads, 0, off);
    const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(scaledDotProductAttention(a, c, d, mask, heads, 0, off), w)))([q!, k!, v!]);
    // The mask's gradient, though no model trains it.
    const dmask = tf.grad((m: tf.Tensor) => tf.sum(tf.mul(scaledDotProductAttention(q!, k!, v!, m as tf.Tensor4D, heads, 0, off), w)))(mask);
    return [out, ...grads, dmask].map((t) => Float32Array.from(t.dataSync()));
  });
}

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
});

describe(`scaledDotProductAttention with registered ${TL_ATTENTION_SOFTMAX} / ${TL_ATTENTION_SOFTMAX_BACKWARD} kernels`, () => {
  afterAll(() => {
    for (const name of [TL_ATTENTION_SOFTMAX, TL_ATTENTION_SOFTMAX_BACKWARD]) if (tf.getKernel(name, 'cpu')) tf.unregisterKernel(name, 'cpu');
  });

  it('uses them (both needed) and matches the op composition: output, q/k/v gradients and the mask gradient', () => {
    const ops = attentionAndGrads();
    tf.registerKernel({ kernelName: TL_ATTENTION_SOFTMAX, backendName: 'cpu', kernelFunc: forward });
    expect(hasAttentionSoftmaxKernels()).toBe(false); // the backward kernel is part of the contract
    tf.registerKernel({ kernelName: TL_ATTENTION_SOFTMAX_BACKWARD, backendName: 'cpu', kernelFunc: backward });
    expect(hasAttentionSoftmaxKernels()).toBe(true);
    const before = tf.memory().numTensors;
    const fused = attentionAndGrads();
    expect(tf.memory().numTensors).toBe(before);
    // Three forwards (output, q/k/v gradients, mask gradient); a backward for each gradient pass
    // (the mask's runs the backward kernel for it too).
    expect(calls.forward).toBe(3);
    expect(calls.backward).toBeGreaterThanOrEqual(2);
    expectEachClose(fused, ops, 1e-5, 1e-5);
    for (const o of [1, 2, 4]) expect(Math.max(...fused[o]!.map(Math.abs)), `output ${o} not vacuous`).toBeGreaterThan(1e-3);
    // Masked keys get no attention, so their mask gradient is 0 as in the composition.
    expect(fused[4]!.slice(5 + 3, 5 + 5)).toEqual(new Float32Array(2));
  });
});
