/**
 * A BERT-shaped forward and backward (tiny dims) in tfjs ops — the op patterns of the real encoder:
 * gather embeddings, LayerNorm by moments, attention with transposed matmuls and a mask, erf GELU,
 * tanh pooler, softmax cross-entropy — gives the same loss and gradients on torch-cpu as on cpu.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '@tl/core';
import { TorchCpuBackend } from '../src/index.js';
// The shared BERT-shaped step lives in @tl/core's bench folder (not part of its public API).
import { bertLossAndGrads, createBertBatch, createBertParams, disposeBatch, type BertShape } from '../../core/src/bench/bert-shaped-step.js';

const SHAPE: BertShape = { layers: 2, hidden: 32, heads: 4, intermediate: 64, vocab: 100, maxPositions: 16, typeVocab: 2, labels: 3 };

interface Result {
  loss: number;
  grads: Record<string, Float32Array>;
}

async function lossAndGrads(backend: string): Promise<Result> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  // (tidy frees the initial values createBertParams leaves behind; variables survive it.)
  const params = tf.tidy(() => createBertParams(SHAPE, 7));
  const batch = tf.tidy(() => {
    const b = createBertBatch({ ...SHAPE, vocab: 1100 }, 3, 10, 5);
    // Pad the tail of the second sequence so the attention mask matters.
    const mask = tf.tensor2d([Array(10).fill(1), [1, 1, 1, 1, 1, 1, 0, 0, 0, 0], Array(10).fill(1)]);
    return { ...b, inputIds: tf.mod(b.inputIds, tf.scalar(SHAPE.vocab, 'int32')) as tf.Tensor2D, attentionMask: mask as tf.Tensor2D };
  });
  const { loss, grads } = bertLossAndGrads(SHAPE, params, batch);
  const result: Result = { loss: loss.dataSync()[0]!, grads: {} };
  for (const [name, g] of Object.entries(grads)) result.grads[name] = g.dataSync() as Float32Array;
  tf.dispose([loss, grads]);
  disposeBatch(batch);
  tf.dispose(Object.values(params));
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

beforeAll(async () => {
  await new CpuBackend().init();
  await new TorchCpuBackend().init();
});

describe('BERT-shaped training step on torch-cpu', () => {
  it('matches cpu: loss and every gradient within 1e-4', async () => {
    const want = await lossAndGrads('cpu');
    const got = await lossAndGrads('torch-cpu');
    expect(Math.abs(got.loss - want.loss)).toBeLessThan(1e-4);
    expect(Object.keys(got.grads).sort()).toEqual(Object.keys(want.grads).sort());
    let worst = { name: '', diff: 0 };
    for (const [name, w] of Object.entries(want.grads)) {
      const g = got.grads[name]!;
      for (let i = 0; i < w.length; i++) {
        const diff = Math.abs(g[i]! - w[i]!);
        if (diff > worst.diff) worst = { name, diff };
      }
    }
    expect(worst.diff, `largest gradient difference in ${worst.name}`).toBeLessThan(1e-4);
  });
});
