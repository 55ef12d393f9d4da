import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import { buildModel } from '../../src/models/build-model.js';
import { tfjsSeed } from '../../src/nn/tfjs-seed.js';

const config = {
  model_type: 'bert', vocab_size: 50, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2,
  intermediate_size: 16, max_position_embeddings: 16, type_vocab_size: 2, num_labels: 2,
  architectures: ['BertForSequenceClassification'],
};

async function weights(seed: number): Promise<Map<string, Float32Array>> {
  const model = buildModel(config, { seed });
  const out = new Map<string, Float32Array>();
  for (const [name, v] of model.parameters.entries()) out.set(name, (await v.data()) as Float32Array);
  model.dispose();
  return out;
}

describe('buildModel seeds', () => {
  beforeAll(() => createEngine({ backend: 'cpu' }));

  // tfjs treats a falsy seed as none: seed 0 used to give a fresh random first weight on every build.
  for (const seed of [0, 1, 7]) {
    it(`seed ${seed} gives the same weights on every build`, async () => {
      const [a, b] = [await weights(seed), await weights(seed)];
      expect(a.size).toBeGreaterThan(10);
      for (const [name, values] of a) expect(Buffer.from(values.buffer).equals(Buffer.from(b.get(name)!.buffer)), name).toBe(true);
    });
  }

  it('tfjsSeed maps only 0, to a value no integer seed reaches, and that stream is fixed', () => {
    expect(tfjsSeed(0)).toBe(0.5);
    expect([1, 42, -3].map(tfjsSeed)).toEqual([1, 42, -3]);
    const draw = () => tf.tidy(() => Array.from(tf.randomNormal([4], 0, 1, 'float32', tfjsSeed(0)).dataSync()));
    expect(draw()).toEqual(draw());
  });
});
