import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BERT_SHAPES, bertLossAndGrads, createBertBatch, createBertParams, disposeBatch } from '../src/bench/bert-shaped.js';
import { worstMismatch } from './helpers/compare-backends.js';
import { useBackendPair } from './helpers/backend-pair-hooks.js';

const shape = BERT_SHAPES.micro;

/** Loss and every gradient of a BERT-shaped classifier (padding included), read back as arrays. */
async function lossAndGrads(backend: string): Promise<{ loss: number; grads: Map<string, Float32Array>; leaked: number }> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const params = createBertParams(shape, 3);
  const batch = createBertBatch(shape, 3, 12, 5, [12, 7, 3]);
  const { loss, grads } = bertLossAndGrads(shape, params, batch);
  const out = new Map<string, Float32Array>();
  for (const [name, g] of Object.entries(grads)) out.set(name, Float32Array.from(await g.data()));
  const value = (await loss.data())[0]!;
  tf.dispose([loss, ...Object.values(grads), ...Object.values(params)]);
  disposeBatch(batch);
  return { loss: value, grads: out, leaked: tf.memory().numTensors - before };
}

describe('BERT-shaped forward + backward on webgpu', () => {
  useBackendPair();

  it('matches cpu loss and every parameter gradient within 1e-4', async () => {
    const gpu = await lossAndGrads('webgpu');
    const cpu = await lossAndGrads('cpu');
    expect(gpu.leaked).toBe(0);
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThanOrEqual(1e-4);
    expect([...gpu.grads.keys()].sort()).toEqual([...cpu.grads.keys()].sort());
    expect(gpu.grads.size).toBe(5 + shape.layers * 16 + 4); // embeddings (3 tables + LN), 16 per layer, pooler + classifier
    for (const [name, g] of gpu.grads) {
      const worst = worstMismatch([g], [cpu.grads.get(name)!], 1e-4);
      expect(worst.excess, `${name}[${worst.index}]: webgpu ${worst.webgpu} vs cpu ${worst.cpu}`).toBeLessThanOrEqual(1e-4);
    }
    // Gradients are not trivially zero (the comparison would pass vacuously).
    const norm = [...cpu.grads.values()].reduce((s, g) => s + g.reduce((a, v) => a + v * v, 0), 0);
    expect(norm).toBeGreaterThan(1e-6);
  });
});
