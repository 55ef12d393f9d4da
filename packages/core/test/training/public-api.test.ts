import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as core from '@tl/core';
import { ToyModel, toyExamples } from './support/toy-model.js';

describe('@tl/core training API', () => {
  it('exports the Trainer, its parts and the data layer', () => {
    for (const name of [
      'Trainer', 'AdamW', 'LrScheduler', 'scheduleLambda', 'clipGradNorm', 'resolveTrainingArgs', 'TrainerEvents', 'Callback',
      'ProgressBar', 'JsonlMetricsLogger', 'EarlyStopping', 'Checkpointing', 'LearningRateMonitor',
      'findLatestCheckpoint', 'saveTrainerCheckpoint', 'readTrainerCheckpoint',
      'accuracy', 'f1Score', 'matthewsCorrcoef', 'classificationReport',
      'loadDataset', 'parseDataset', 'sortedLabelMap', 'labelMapFromLabel2Id', 'BatchSampler', 'SeededRandom', 'PaddingCollator', 'tokenizerCollator',
    ]) {
      expect(core, name).toHaveProperty(name);
    }
  });

  it('trains on the default wasm backend through the public API', async () => {
    await core.createEngine({ backend: 'wasm' });
    expect(tf.getBackend()).toBe('wasm');
    const model = new ToyModel();
    const collator = new core.PaddingCollator({ padTokenId: 0, encode: (t) => ({ inputIds: [1, ...t.split(' ').map((w) => 2 + (w.length % 40))] }) });
    const trainer = new core.Trainer({ model, collator, args: { maxSteps: 5, batchSize: 4, learningRate: 0.05 } });
    const r = await trainer.fit(toyExamples(20));
    expect(r.steps).toBe(5);
    expect(Number.isFinite(r.finalLoss)).toBe(true);
    trainer.dispose();
    model.dispose();
  });
});
