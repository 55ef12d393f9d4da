import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateModel, Trainer } from '@tl/core';
import { CachedFeatureModel, FeatureExtraction } from '@tl/plugins';
import { bitwiseEqual, snapshot, tinyClassifier, TRAIN, useCpu } from './support/tiny.js';

beforeAll(useCpu);

describe('FeatureExtraction', () => {
  it('trains only the head, encoding each example once and serving later epochs from the cache', async () => {
    const { model, collator } = await tinyClassifier({ dropout: 0.1 });
    const strategy = new FeatureExtraction();
    const before = snapshot(model);
    const trainer = new Trainer({ model, collator, strategies: [strategy], args: { numTrainEpochs: 3, batchSize: 4, learningRate: 1e-2, outputDir: '/tmp/tl-fe' } });
    const tensorsBefore = tf.memory().numTensors;
    await trainer.fit(TRAIN);
    const cache = strategy.cache!;
    expect(cache.encoded).toBe(TRAIN.length); // one encoder pass per distinct example
    expect(cache.hits).toBe(2 * TRAIN.length); // epochs 2 and 3 from the cache
    for (const [name, v] of before) {
      const changed = !bitwiseEqual(v, model.parameters.get(name).dataSync() as Float32Array);
      expect(changed, name).toBe(model.depthOf(name) === 'head');
    }
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    model.dispose();
  });

  it('gives the same outputs as a full eval-mode forward pass', async () => {
    const { model, collator } = await tinyClassifier();
    const cached = new CachedFeatureModel(model);
    const full = await evaluateModel(model, collator, TRAIN, { batchSize: 5 });
    const first = await evaluateModel(cached, collator, TRAIN, { batchSize: 5 });
    const again = await evaluateModel(cached, collator, TRAIN, { batchSize: 3 }); // other batches: keys are per example
    expect(cached.encoded).toBe(TRAIN.length);
    expect(first['eval_loss']).toBeCloseTo(full['eval_loss']!, 6);
    expect(again['eval_loss']).toBeCloseTo(full['eval_loss']!, 6);
    expect(again['eval_accuracy']).toBe(full['eval_accuracy']);
    model.dispose();
  });
});
