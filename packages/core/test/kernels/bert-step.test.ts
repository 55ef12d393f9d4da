import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bertLossAndGrads,
  bertTrainStep,
  createBertBatch,
  createBertParams,
  disposeBatch,
  type BertShape,
} from '../../src/bench/bert-shaped-step.js';
import { expectClose, initBackends, type Output } from './differential.js';

/** BERT-shaped but small enough for the cpu reference: every kernel of a real step, tiny dims. */
const SHAPE: BertShape = { layers: 2, hidden: 32, heads: 4, intermediate: 64, vocab: 97, maxPositions: 16, typeVocab: 2, labels: 3 };
const BATCH = 3;
const SEQ = 12;

function lossAndGrads(backend: 'cpu' | 'wasm'): { loss: number; grads: Record<string, Output> } {
  tf.setBackend(backend);
  const params = createBertParams(SHAPE, 1);
  const batch = createBertBatch(SHAPE, BATCH, SEQ, 2);
  // Padding in the last sequence exercises the additive mask.
  const mask = tf.tensor2d(Array.from({ length: BATCH * SEQ }, (_, i) => (i >= (BATCH - 1) * SEQ + 8 ? 0 : 1)), [BATCH, SEQ]);
  const masked = { ...batch, attentionMask: mask };
  const { loss, grads } = bertLossAndGrads(SHAPE, params, masked, { dropout: 0 });
  const out: Record<string, Output> = {};
  for (const [name, g] of Object.entries(grads)) out[name] = { shape: g.shape, dtype: g.dtype, values: g.dataSync() as Float32Array };
  const value = loss.dataSync()[0]!;
  tf.dispose([loss, ...Object.values(grads), ...Object.values(params), mask]);
  disposeBatch(batch);
  return { loss: value, grads: out };
}

describe('a BERT-shaped training step on wasm', () => {
  beforeAll(initBackends);

  it('gives the loss and every parameter gradient cpu gives (1e-4)', () => {
    const wasm = lossAndGrads('wasm');
    const cpu = lossAndGrads('cpu');
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(cpu.loss)));
    expect(Object.keys(wasm.grads).sort()).toEqual(Object.keys(cpu.grads).sort());
    expect(Object.keys(wasm.grads).length).toBe(5 + SHAPE.layers * 16 + 4);
    for (const name of Object.keys(cpu.grads)) {
      const want = cpu.grads[name]!;
      // Relative to the gradient's own scale (tiny entries of a large gradient are rounding noise in
      // both); the key bias's gradient is exactly 0 in theory (softmax ignores a per-row constant), so
      // its scale is floored.
      const scale = want.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expectClose(wasm.grads[name]!, want, 1e-4, 1e-4 * Math.max(scale, 1e-6), name);
    }
  });

  it('trains (forward, backward, Adam with dropout) without leaking tensors', () => {
    tf.setBackend('wasm');
    const params = createBertParams(SHAPE, 3);
    const batch = createBertBatch(SHAPE, BATCH, SEQ, 4);
    const optimizer = tf.train.adam(1e-2);
    const first = bertTrainStep(SHAPE, params, batch, optimizer, { dropout: 0.1, seed: 1 });
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 5; i++) last = bertTrainStep(SHAPE, params, batch, optimizer, { dropout: 0.1, seed: 2 + i });
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(first);
    optimizer.dispose();
    tf.dispose(Object.values(params));
    disposeBatch(batch);
  });
});
