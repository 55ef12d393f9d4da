import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, Callback, disposeBatch, loadModel, readModelConfig, savePretrained, Trainer, type StepContext } from '@tl/core';
import { headParameterName, MultiTaskModel, ReinitTopLayers, ShareWeights, taskSchedule, trainMultiTask } from '@tl/plugins';
import { bitwiseEqual, FIXTURES, snapshot, tinyClassifier, TRAIN, useCpu } from './support/tiny.js';

beforeAll(useCpu);

describe('ShareWeights', () => {
  it('initialises the selected parameters from the source and leaves the others', async () => {
    const { model: source } = await loadModel(`${FIXTURES}bert-mlm`, { task: 'masked-lm' });
    const config = await readModelConfig(`${FIXTURES}bert-cls`);
    const target = buildModel(config, { seed: 7 });
    const before = snapshot(target);
    const share = new ShareWeights({ source, select: ['embeddings', 'layers.0'] });
    await share.prepareModel({ model: target, seed: 1 });
    for (const name of target.parameters.names()) {
      const d = target.depthOf(name);
      const value = target.parameters.get(name).dataSync() as Float32Array;
      if (d === 'embeddings' || d === 0) {
        expect(bitwiseEqual(value, source.parameters.get(name).dataSync() as Float32Array), name).toBe(true);
      } else {
        expect(bitwiseEqual(value, before.get(name)!), name).toBe(true);
      }
    }
    expect(share.copied.length).toBeGreaterThan(10);
    await expect(new ShareWeights({ source, select: ['layers.0-5'] }).prepareModel({ model: target, seed: 1 })).rejects.toThrow(/outside layers 0-1/);
    await expect(new ShareWeights({ source, select: ['head'] }).prepareModel({ model: target, seed: 1 })).rejects.toThrow(/source has no parameter for bert.pooler.dense.weight/);
    source.dispose();
    target.dispose();
  });

  it('runs from the Trainer with share:from=DIR and the Trainer\'s seed', async () => {
    const config = await readModelConfig(`${FIXTURES}bert-cls`);
    const target = buildModel(config, { seed: 3 });
    await ShareWeights.fromOptions({ from: `${FIXTURES}bert-mlm`, select: 'encoder' }).prepareModel({ model: target, seed: 1 });
    const { model: reference } = await loadModel(`${FIXTURES}bert-mlm`, { task: 'masked-lm' });
    const name = 'bert.encoder.layer.1.output.dense.weight';
    expect(bitwiseEqual(target.parameters.get(name).dataSync() as Float32Array, reference.parameters.get(name).dataSync() as Float32Array)).toBe(true);
    reference.dispose();
    target.dispose();
  });
});

describe('ReinitTopLayers', () => {
  it('re-initialises the top k layers and the pooler as HF does, and nothing else', async () => {
    const { model } = await tinyClassifier();
    const before = snapshot(model);
    const reinit = new ReinitTopLayers({ layers: 1 });
    reinit.prepareModel({ model, seed: 5 });
    for (const [name, v] of before) {
      const after = model.parameters.get(name).dataSync() as Float32Array;
      const expectChange = model.depthOf(name) === 1 || name.includes('.pooler.');
      if (!expectChange) expect(bitwiseEqual(v, after), name).toBe(true);
      if (name.endsWith('LayerNorm.weight') && expectChange) expect(Array.from(after).every((x) => x === 1)).toBe(true);
      if (name.endsWith('.bias') && expectChange) expect(Array.from(after).every((x) => x === 0)).toBe(true);
      if (name.endsWith('query.weight') && expectChange) {
        const std = Math.sqrt(after.reduce((a, x) => a + x * x, 0) / after.length);
        expect(std).toBeGreaterThan(0.1); // initializer_range 0.2 in the fixture config
        expect(std).toBeLessThan(0.3);
      }
    }
    expect(reinit.reinitialised).toContain('bert.pooler.dense.weight');
    model.dispose();
  });
});

describe('taskSchedule', () => {
  it('proportional: ⌈n/B⌉ full batches per task in a seeded order; round-robin: equal turns', () => {
    const prop = taskSchedule({ a: 10, b: 3 }, 4, 'proportional', 1);
    expect(prop.filter((b) => b.task === 'a')).toHaveLength(3);
    expect(prop.filter((b) => b.task === 'b')).toHaveLength(1);
    expect(prop.every((b) => b.indices.length === 4)).toBe(true);
    expect(new Set(prop.filter((b) => b.task === 'a').flatMap((b) => b.indices))).toEqual(new Set(Array.from({ length: 10 }, (_, i) => i)));
    expect(taskSchedule({ a: 10, b: 3 }, 4, 'proportional', 1)).toEqual(prop);
    const rr = taskSchedule({ a: 10, b: 3 }, 4, 'round-robin', 1);
    expect(rr.map((b) => b.task)).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });
});

describe('MultiTaskModel', () => {
  it('trains one shared encoder from both heads; each task saves as a plain HF model', async () => {
    const { collator } = await tinyClassifier();
    const model = await MultiTaskModel.fromPretrained(`${FIXTURES}bert-cls`, [
      { name: 'topic', labels: ['a', 'b', 'c'] },
      { name: 'parity', labels: ['even', 'odd'] },
    ], { dropout: 0 });
    // The encoder is literally shared: one variable behind both task models.
    const enc = 'bert.encoder.layer.0.attention.self.query.weight';
    expect(model.taskModel('topic').parameters.get(enc)).toBe(model.taskModel('parity').parameters.get(enc));
    expect(model.parameters.has(headParameterName('parity', 'classifier.weight'))).toBe(true);

    const changes: { task: string; encoder: boolean; topicHead: boolean; parityHead: boolean }[] = [];
    let last = snapshot(model);
    const schedule: string[] = [];
    class Watch extends Callback {
      readonly name = 'watch';
      override onStepEnd(_ctx: StepContext): void {
        const now = snapshot(model);
        const moved = (pred: (n: string) => boolean) => [...now].some(([n, v]) => pred(n) && !bitwiseEqual(v, last.get(n)!));
        changes.push({
          task: schedule[changes.length % schedule.length]!,
          encoder: moved((n) => model.depthOf(n) !== 'head'),
          topicHead: moved((n) => n.startsWith('tasks.topic.')),
          parityHead: moved((n) => n.startsWith('tasks.parity.')),
        });
        last = now;
      }
    }
    const parity = TRAIN.map((e, i) => ({ text: e.text, label: i % 2 }));
    const run = trainMultiTask({
      model,
      collator,
      train: { topic: TRAIN.slice(0, 8), parity: parity.slice(0, 8) },
      evaluation: { topic: TRAIN.slice(8), parity: parity.slice(8) },
      sampling: 'round-robin',
      callbacks: [new Watch()],
      args: { numTrainEpochs: 1, batchSize: 4, learningRate: 1e-2, weightDecay: 0, outputDir: '/tmp/tl-mt' },
    });
    // The schedule is known before the run: round robin over full batches of 4.
    schedule.push('topic', 'parity', 'topic', 'parity');
    const { result, schedule: actual, metrics } = await run;
    expect(actual).toEqual(schedule);
    expect(result.steps).toBe(4);
    for (const c of changes) {
      expect(c.encoder, `step on ${c.task} moves the shared encoder`).toBe(true);
      expect(c.topicHead).toBe(c.task === 'topic');
      expect(c.parityHead).toBe(c.task === 'parity');
    }
    expect(Object.keys(metrics)).toEqual(['topic', 'parity']);
    // Each task is evaluated through its own head on its own split: recompute both accuracies here
    // from that task model's logits (a swapped head or split would give the other task's numbers).
    const evalSplits = { topic: TRAIN.slice(8), parity: parity.slice(8) };
    for (const [task, examples] of Object.entries(evalSplits)) {
      const batch = collator.collate(examples);
      const logits = tf.tidy(() => model.taskModel(task).forward(batch.inputs, { training: false }).logits!);
      expect(logits.shape, task).toEqual([examples.length, task === 'topic' ? 3 : 2]);
      const predicted = (await logits.argMax(-1).data()) as Int32Array;
      logits.dispose();
      disposeBatch(batch);
      const correct = examples.filter((e, i) => predicted[i] === e.label).length;
      expect(metrics[task]!['eval_accuracy'], task).toBeCloseTo(correct / examples.length, 12);
    }

    const dir = await mkdtemp(join(tmpdir(), 'tl-mt-'));
    try {
      await savePretrained(dir, model.taskModel('parity'));
      const { model: reloaded, report } = await loadModel(dir);
      expect(report.missing).toEqual([]);
      expect(reloaded.config['id2label']).toEqual({ 0: 'even', 1: 'odd' });
      expect(bitwiseEqual(reloaded.parameters.get(enc).dataSync() as Float32Array, model.parameters.get(enc).dataSync() as Float32Array)).toBe(true);
      reloaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const before = tf.memory().numTensors;
    const owned = model.taskModel('topic').parameters.size + model.taskModel('parity').parameters.names().filter((n) => model.taskModel('parity').depthOf(n) === 'head').length;
    model.dispose();
    expect(tf.memory().numTensors).toBe(before - owned);
  });
});
