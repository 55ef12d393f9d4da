import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, resolvePretrained, runTransferExperiment, type TransferResults } from '@tl/core';
import { stratifiedSubsample, WordNet, wordnetPosTask, wordnetSupersenseTask } from '@tl/datasets';
import { tempDir } from '../support/cli.js';

/**
 * The claim of the whole project at small scale: at a low label budget (150 labels), the transferred
 * model beats the same architecture from random init, by a margin, over 3 seeds. The pretrained model
 * is tl-bert-en-small, the encoder @tl/models ships (`tl pretrain --pack` on 8M words); the
 * transferred model is it fine-tuned on a source task, WordNet gloss → supersense (45 classes, which
 * imply the part of speech), then given a new head for the target, gloss → part of speech, scored on
 * test-split glosses. If pretraining, source fine-tuning, checkpoint save/load or the new-head
 * transfer stops carrying anything, the curves meet and this fails.
 */
const PRETRAINED = process.env['TL_TRANSFER_MODEL'] ?? 'tl-bert-en-small';

describe('transfer helps at a low label budget', () => {
  let results: TransferResults;
  beforeAll(async () => {
    const dir = await resolvePretrained(PRETRAINED);
    expect(existsSync(join(dir, 'model.safetensors')), `${PRETRAINED} (${dir})`).toBe(true);
    await createEngine({ backend: 'wasm' });
    const wordnet = await WordNet.load();
    const task = await wordnetPosTask({ wordnet });
    const supersense = await wordnetSupersenseTask({ wordnet });
    // The demo's sizes and hyperparameters (packages/cli/src/demo/demo-grid.ts) at its 10% budget.
    const pool = stratifiedSubsample(task.train, { budget: 1500, seed: 0 });
    const test = stratifiedSubsample(task.test, { budget: 400, seed: 0 });
    results = await runTransferExperiment({
      pretrained: dir,
      target: { train: pool, test, id2label: Object.fromEntries(task.labels.map((l, i) => [String(i), l])) },
      source: { train: stratifiedSubsample(supersense.train, { budget: 1500, seed: 0 }), id2label: Object.fromEntries(supersense.labels.map((l, i) => [String(i), l])) },
      sourceArgs: { numTrainEpochs: 2, batchSize: 16, learningRate: 1e-3, warmupRatio: 0.1 },
      conditions: ['scratch', 'pretrained', 'intermediate'],
      budgets: [0.1],
      seeds: [1, 2, 3],
      targetArgs: { numTrainEpochs: 2, batchSize: 16, learningRate: 1e-3, warmupRatio: 0.1 },
      minSteps: 40,
      maxLength: 32,
      sample: (examples, count, seed) => stratifiedSubsample(examples, { budget: count, seed, minPerClass: 1 }),
      outputDir: tempDir('tl-transfer-helps-'),
    });
  }, 900_000); // ~2 min alone on 2 cores; the margin is for a machine busy with other suites

  it('pretrained + source task beats scratch by ≥ 5 points on the mean over 3 seeds, on every seed, by more than either spread', () => {
    const row = (c: string) => results.summary.find((s) => s.condition === c)!;
    const show = (c: string) => `${c} ${(100 * row(c).accuracy.mean).toFixed(1)} ± ${(100 * row(c).accuracy.std).toFixed(1)}`;
    const report = ['scratch', 'pretrained', 'intermediate'].map(show).join(', ');
    console.log(`WordNet POS, 5% of 2000 glosses (100 labels), 3 seeds: ${report}`);
    const scratch = row('scratch').accuracy;
    const transferred = row('intermediate');
    expect(transferred.accuracy.n).toBe(3);
    expect(transferred.gainPoints!, report).toBeGreaterThanOrEqual(5);
    expect(transferred.accuracy.mean - scratch.mean, report).toBeGreaterThan(Math.max(scratch.std, transferred.accuracy.std));
    for (const seed of [1, 2, 3]) {
      const acc = (c: string) => results.runs.find((r) => r.condition === c && r.seed === seed)!.accuracy;
      expect(acc('intermediate'), `seed ${seed}: ${report}`).toBeGreaterThan(acc('scratch'));
    }
  });

  it('the pretrained encoder alone beats scratch on the mean over 3 seeds', () => {
    const row = (c: string) => results.summary.find((s) => s.condition === c)!;
    const report = ['scratch', 'pretrained'].map((c) => `${c} ${(100 * row(c).accuracy.mean).toFixed(1)} ± ${(100 * row(c).accuracy.std).toFixed(1)}`).join(', ');
    expect(row('pretrained').gainPoints!, report).toBeGreaterThan(PRETRAINED_MARGIN);
  });
});

/** Points the pretrained-only condition must gain at 150 labels (measured +5.2 in the demo, +5.8 on torch-cpu at lr 5e-4: see the README). */
const PRETRAINED_MARGIN = 2;

