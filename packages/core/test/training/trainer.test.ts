import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../src/engine/create-engine.js';
import { Trainer } from '../../src/training/trainer.js';
import { Callback, type GradientContext, type HookContext, type StepContext } from '../../src/training/callback.js';
import type { TrainingArgsInput } from '../../src/training/args.js';
import { Checkpointing } from '../../src/training/callbacks/checkpointing.js';
import { JsonlMetricsLogger } from '../../src/training/callbacks/jsonl-metrics-logger.js';
import { EarlyStopping } from '../../src/training/callbacks/early-stopping.js';
import { LearningRateMonitor } from '../../src/training/callbacks/learning-rate-monitor.js';
import { findLatestCheckpoint, listCheckpoints } from '../../src/training/checkpoint/trainer-checkpoint.js';
import type { TransferStrategy } from '../../src/transfer/transfer-strategy.js';
import type { Model, ModelOutput, Labels } from '../../src/model/model.js';
import { ToyModel, toyCollator, toyExamples } from './support/toy-model.js';

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
});

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tl-trainer-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Records every step's loss (and optionally stops at a step). */
class Recorder extends Callback {
  readonly name = 'recorder';
  readonly losses: number[] = [];
  readonly tensorCounts: number[] = [];
  constructor(private readonly stopAt?: number) {
    super();
  }
  override onStepEnd(ctx: StepContext): void {
    this.losses.push(ctx.loss!);
    this.tensorCounts.push(tf.memory().numTensors);
    if (ctx.state.step === this.stopAt) ctx.control.stop('test stop');
  }
}

function snapshot(model: Model): Map<string, Float32Array> {
  return new Map([...model.parameters.entries()].map(([n, v]) => [n, v.dataSync().slice() as Float32Array]));
}

const base: TrainingArgsInput = { learningRate: 0.05, batchSize: 4, numTrainEpochs: 3, warmupSteps: 2, weightDecay: 0.01, seed: 11 };

describe('Trainer', () => {
  it('learns the toy task and reports HF-style metrics', async () => {
    const model = new ToyModel({ dropout: 0.1 });
    const trainer = new Trainer({ model, collator: toyCollator(), args: { ...base, learningRate: 0.1, numTrainEpochs: 8, evalStrategy: 'epoch' } });
    const before = await trainer.evaluate(toyExamples(60, 99));
    const result = await trainer.fit(toyExamples(80), toyExamples(60, 99));
    expect(result.steps).toBe(8 * 20);
    expect(result.metrics.eval_loss).toBeLessThan(before.eval_loss! * 0.6);
    expect(result.metrics.eval_accuracy).toBeGreaterThan(0.8);
    expect(Object.keys(result.metrics)).toEqual(expect.arrayContaining(['train_loss', 'epoch', 'eval_loss', 'eval_accuracy', 'eval_f1_macro', 'eval_f1_micro', 'eval_mcc']));
    expect(result.stoppedEarly).toBe(false);
    trainer.dispose();
    model.dispose();
  });

  it('keeps tf.memory().numTensors constant from step to step (accumulation, clipping, evaluation)', async () => {
    const model = new ToyModel({ dropout: 0.2 });
    const rec = new Recorder();
    const trainer = new Trainer({
      model,
      collator: toyCollator(),
      args: { ...base, maxSteps: 40, gradientAccumulationSteps: 2, maxGradNorm: 0.1, evalStrategy: 'steps', evalSteps: 5 },
      callbacks: [rec],
    });
    const start = tf.memory().numTensors;
    await trainer.fit(toyExamples(30), toyExamples(10, 3));
    expect(rec.tensorCounts.length).toBe(40);
    // Optimizer moments are created at step 1; from then on every step ends with the same count.
    expect(new Set(rec.tensorCounts.slice(1))).toEqual(new Set([rec.tensorCounts[1]]));
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(start);
    model.dispose();
  });

  it('starts at lr 0 with linear warmup: the first step changes no weight', async () => {
    const model = new ToyModel();
    const before = snapshot(model);
    const lr = new LearningRateMonitor();
    const trainer = new Trainer({ model, collator: toyCollator(), args: { ...base, maxSteps: 1 }, callbacks: [lr] });
    await trainer.fit(toyExamples(8));
    expect(lr.history[0]).toEqual({ step: 1, lrs: { decay: 0, no_decay: 0 } });
    for (const [n, v] of snapshot(model)) expect(v).toEqual(before.get(n));
    trainer.dispose();
    model.dispose();
  });

  it('resumes exactly: a run stopped at step k and resumed gives bitwise the same losses and weights (cpu, with dropout)', async () => {
    const out = tempDir();
    const args: TrainingArgsInput = { ...base, outputDir: out, gradientAccumulationSteps: 2, batchSize: 3, numTrainEpochs: 4 };
    const data = toyExamples(22); // 8 batches (last of 1) → 4 steps per epoch, 16 steps
    const evalSet = toyExamples(9, 5);

    const full = new ToyModel({ dropout: 0.3 });
    const fullRec = new Recorder();
    const t1 = new Trainer({ model: full, collator: toyCollator(), args: { ...args, outputDir: tempDir() }, callbacks: [fullRec] });
    await t1.fit(data, evalSet);

    const part = new ToyModel({ dropout: 0.3 });
    const partRec = new Recorder(10); // stops mid-epoch 3 (epoch index 2)
    const t2 = new Trainer({ model: part, collator: toyCollator(), args, callbacks: [partRec, new Checkpointing({ everyNSteps: 4 })] });
    const r2 = await t2.fit(data, evalSet);
    expect(r2.stoppedEarly).toBe(true);
    expect(r2.stopReason).toBe('test stop');
    expect((await listCheckpoints(out)).map((c) => c.step)).toEqual([4, 8, 10]);

    // A save that died midway: a temp folder with a partial weight file must be ignored.
    mkdirSync(join(out, 'checkpoint-12.tmp-4242-dead'));
    writeFileSync(join(out, 'checkpoint-12.tmp-4242-dead', 'model.safetensors'), new Uint8Array([1, 2, 3]));
    // And a folder with the right name but no trainer_state.json (not written by a complete save).
    mkdirSync(join(out, 'checkpoint-14'));
    expect(await findLatestCheckpoint(out)).toBe(join(out, 'checkpoint-10'));

    const resumed = new ToyModel({ dropout: 0.3, seed: 999 }); // different init: the checkpoint must overwrite it
    const resRec = new Recorder();
    const t3 = new Trainer({ model: resumed, collator: toyCollator(), args, callbacks: [resRec] });
    const r3 = await t3.fit(data, evalSet, { resumeFrom: true });

    expect(partRec.losses).toEqual(fullRec.losses.slice(0, 10));
    expect(resRec.losses).toEqual(fullRec.losses.slice(10)); // bitwise: toEqual on floats is exact
    const a = snapshot(full);
    for (const [n, v] of snapshot(resumed)) expect(v).toEqual(a.get(n));
    expect(r3.steps).toBe(16);
    expect(r3.metrics.train_loss).toBeCloseTo(fullRec.losses.reduce((x, y) => x + y, 0) / 16, 10);

    // The next save cleans the dead temp folder.
    await t3.saveCheckpoint(join(out, 'checkpoint-12'));
    expect(existsSync(join(out, 'checkpoint-12.tmp-4242-dead'))).toBe(false);
    for (const t of [t1, t2, t3]) t.dispose();
    for (const m of [full, part, resumed]) m.dispose();
  });

  it('refuses to resume with args that change the run length', async () => {
    const out = tempDir();
    const model = new ToyModel();
    const t = new Trainer({ model, collator: toyCollator(), args: { ...base, outputDir: out, maxSteps: 3 }, callbacks: [new Checkpointing({ everyNSteps: 3 })] });
    await t.fit(toyExamples(12));
    const t2 = new Trainer({ model, collator: toyCollator(), args: { ...base, outputDir: out, maxSteps: 5 } });
    await expect(t2.fit(toyExamples(12), undefined, { resumeFrom: true })).rejects.toThrow(/written for 3 total steps but these args give 5/);
    const t3 = new Trainer({ model, collator: toyCollator(), args: { ...base, outputDir: tempDir() } });
    await expect(t3.fit(toyExamples(12), undefined, { resumeFrom: true })).rejects.toThrow(/no complete checkpoint-N folder/);
    for (const x of [t, t2, t3]) x.dispose();
    model.dispose();
  });

  it('accumulation 2 × batch 2 gives the same update as batch 4', async () => {
    const data = toyExamples(16);
    const run = async (batchSize: number, accum: number) => {
      const model = new ToyModel();
      const t = new Trainer({
        model,
        collator: toyCollator(),
        // Equal-length micro-batches matter: the mean of two means equals the mean of four only then.
        args: { ...base, batchSize, gradientAccumulationSteps: accum, maxSteps: 4, shuffle: false, warmupSteps: 0, maxGradNorm: 0.5 },
      });
      const r = await t.fit(data);
      const s = snapshot(model);
      t.dispose();
      model.dispose();
      return { s, loss: r.finalLoss };
    };
    const big = await run(4, 1);
    const acc = await run(2, 2);
    expect(acc.loss).toBeCloseTo(big.loss, 5);
    for (const [n, v] of big.s) v.forEach((x, i) => expect(acc.s.get(n)![i]).toBeCloseTo(x, 5));
  });

  it('clips to maxGradNorm and reports the norm before clipping', async () => {
    const model = new ToyModel();
    const norms: number[] = [];
    const clipped: number[] = [];
    class Probe extends Callback {
      readonly name = 'probe';
      override onAfterBackward(ctx: GradientContext) {
        norms.push(ctx.gradNorm);
      }
      override onBeforeOptimizerStep(ctx: GradientContext) {
        clipped.push(Math.sqrt([...ctx.gradients.values()].reduce((s, g) => s + tf.tidy(() => tf.sum(tf.square(g)).dataSync()[0]!), 0)));
      }
    }
    const t = new Trainer({ model, collator: toyCollator(), args: { ...base, maxSteps: 3, maxGradNorm: 0.01 }, callbacks: [new Probe()] });
    await t.fit(toyExamples(12));
    expect(norms.every((n) => n > 0.01)).toBe(true);
    clipped.forEach((c) => expect(c).toBeCloseTo(0.01, 5));
    t.dispose();
    model.dispose();
  });

  it('stops on a NaN loss with the step named, or skips the step with nanPolicy "skip"', async () => {
    /** Wraps the toy model so that its loss is NaN on the 3rd training forward. */
    const nanAt = (model: ToyModel, call: number): Model => {
      let calls = 0;
      return Object.assign(Object.create(model) as Model, {
        loss(output: ModelOutput, labels: Labels) {
          const l = model.loss(output, labels);
          return ++calls === call ? tf.tidy(() => tf.mul(l, NaN) as tf.Scalar) : l;
        },
      });
    };
    const m1 = new ToyModel();
    const t1 = new Trainer({ model: nanAt(m1, 3), collator: toyCollator(), args: { ...base, maxSteps: 5 } });
    await expect(t1.fit(toyExamples(20))).rejects.toThrow(/^step 3: loss is NaN \(epoch 0, micro-batch 1 of 1\)/);

    // A finite loss with a non-finite gradient: d/dx sqrt(x) at 0 is infinite.
    const m3 = new ToyModel();
    const infGrad = Object.assign(Object.create(m3) as Model, {
      loss(output: ModelOutput, labels: Labels) {
        return tf.tidy(() => {
          const w = m3.parameters.get('classifier.bias');
          return tf.add(m3.loss(output, labels), tf.sum(tf.sqrt(tf.sub(w, w)))) as tf.Scalar;
        });
      },
    });
    const t3 = new Trainer({ model: infGrad, collator: toyCollator(), args: { ...base, maxSteps: 2 } });
    await expect(t3.fit(toyExamples(8))).rejects.toThrow(/^step 1: gradient norm is NaN/);
    t3.dispose();
    m3.dispose();

    const m2 = new ToyModel();
    const out = tempDir();
    const rec = new Recorder();
    let before3: Map<string, Float32Array> | undefined;
    let after3: Map<string, Float32Array> | undefined;
    class Watch extends Callback {
      readonly name = 'watch';
      override onStepStart(ctx: HookContext) {
        if (ctx.state.step === 2) before3 = snapshot(m2);
      }
      override onStepEnd(ctx: StepContext) {
        if (ctx.state.step === 3) after3 = snapshot(m2);
      }
    }
    const t2 = new Trainer({
      model: nanAt(m2, 3),
      collator: toyCollator(),
      args: { ...base, maxSteps: 5, nanPolicy: 'skip' },
      callbacks: [rec, new Watch(), new JsonlMetricsLogger(join(out, 'metrics.jsonl'))],
    });
    const r = await t2.fit(toyExamples(20));
    expect(r.steps).toBe(5);
    expect(rec.losses[2]).toBeNaN();
    for (const [n, v] of after3!) expect(v).toEqual(before3!.get(n));
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[2]).toMatchObject({ step: 3, loss: null, skipped: true });
    for (const t of [t1, t2]) t.dispose();
    for (const m of [m1, m2]) m.dispose();
  });

  it('lets callbacks skip a step and stop training', async () => {
    const model = new ToyModel();
    let atStart: Map<string, Float32Array> | undefined;
    let afterSkip: Map<string, Float32Array> | undefined;
    class Control extends Callback {
      readonly name = 'control';
      override onStepStart(ctx: HookContext) {
        if (ctx.state.step === 3) atStart = snapshot(model); // before step 4
      }
      override onBeforeOptimizerStep(ctx: GradientContext) {
        if (ctx.state.step === 3) ctx.control.skipStep('test skip');
      }
      override onStepEnd(ctx: StepContext) {
        if (ctx.state.step === 4) {
          afterSkip = snapshot(model);
          expect(ctx.skipped).toBe(true);
        }
        if (ctx.state.step === 5) ctx.control.stop('enough');
      }
    }
    const t = new Trainer({ model, collator: toyCollator(), args: { ...base, maxSteps: 50 }, callbacks: [new Control()] });
    const r = await t.fit(toyExamples(40));
    for (const [n, v] of afterSkip!) expect(v).toEqual(atStart!.get(n));
    expect(r).toMatchObject({ steps: 5, stoppedEarly: true, stopReason: 'enough' });
    t.dispose();
    model.dispose();
  });

  it('stops early when the monitored metric stops improving, and tracks the best model', async () => {
    const model = new ToyModel();
    const values = [0.5, 0.6, 0.6, 0.59, 0.7];
    let i = 0;
    const stopper = new EarlyStopping({ monitor: 'eval_score', patience: 2 });
    let atBest: Map<string, Float32Array> | undefined;
    class KeepBest extends Callback {
      readonly name = 'keep-best';
      override onStepEnd(ctx: StepContext) {
        if (ctx.state.step === 2) atBest = snapshot(model);
      }
    }
    const t = new Trainer({
      model,
      collator: toyCollator(),
      args: { ...base, maxSteps: 100, evalStrategy: 'steps', evalSteps: 1, metricForBestModel: 'eval_score', loadBestModelAtEnd: true },
      computeMetrics: () => ({ score: values[Math.min(i++, values.length - 1)]! }),
      callbacks: [stopper, new KeepBest()],
    });
    const r = await t.fit(toyExamples(40), toyExamples(4, 2));
    for (const [n, v] of snapshot(model)) expect(v).toEqual(atBest!.get(n)); // loadBestModelAtEnd restored step 2
    // improvements at evals 1, 2; no improvement at 3, 4 → stop after step 4
    expect(r.steps).toBe(4);
    expect(r.stopReason).toMatch(/early stopping: eval_score did not improve for 2 evaluations \(best 0.6 at step 2\)/);
    expect(t.state.bestMetric).toBe(0.6);
    expect(t.state.bestStep).toBe(2);
    expect(stopper.stateDict()).toEqual({ best: 0.6, bestStep: 2, wait: 2 });
    t.dispose();
    model.dispose();
  });

  it('writes metrics.jsonl: one line per step, eval lines after their step, trimmed on resume', async () => {
    const out = tempDir();
    const path = join(out, 'metrics.jsonl');
    const args: TrainingArgsInput = { ...base, outputDir: out, maxSteps: 6, evalStrategy: 'steps', evalSteps: 2 };
    const m = new ToyModel();
    const t = new Trainer({ model: m, collator: toyCollator(), args, callbacks: [new JsonlMetricsLogger(path), new Recorder(4), new Checkpointing({ everyNSteps: 2, keepLast: 1 })] });
    await t.fit(toyExamples(24), toyExamples(4, 1));
    expect(readdirSync(out).filter((n) => n.startsWith('checkpoint-'))).toEqual(['checkpoint-4']);
    // Lines written after the checkpoint (none here: stop at 4) and a torn line from a crash are dropped on resume.
    writeFileSync(path, readFileSync(path, 'utf8') + '{"step":5,"loss":1}\n{"step":6,"lo');
    const t2 = new Trainer({ model: m, collator: toyCollator(), args, callbacks: [new JsonlMetricsLogger(path)] });
    await t2.fit(toyExamples(24), toyExamples(4, 1), { resumeFrom: true });
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(lines.map((l) => [l.step, 'eval_loss' in l ? 'eval' : 'train'])).toEqual([
      [1, 'train'],
      [2, 'train'],
      [2, 'eval'],
      [3, 'train'],
      [4, 'train'],
      [4, 'eval'],
      [5, 'train'],
      [6, 'train'],
      [6, 'eval'],
    ]);
    expect(Object.keys(lines[0]!)).toEqual(['step', 'loss', 'lr', 'epoch', 'grad_norm']);
    expect(lines[0]!.lr).toBe(0);
    expect(lines[2]).toHaveProperty('eval_accuracy');
    for (const x of [t, t2]) x.dispose();
    m.dispose();
  });

  it('applies strategies: parameter groups freeze, order by phase, conflicts refused at setup', async () => {
    const model = new ToyModel();
    const before = snapshot(model);
    const calls: string[] = [];
    const freeze: TransferStrategy = {
      name: 'freeze-embeddings',
      phase: 'optimisation',
      parameterGroups: (groups) => [
        ...groups.map((g) => ({ ...g, parameterNames: g.parameterNames.filter((n) => model.depthOf(n) !== 'embeddings') })),
        { name: 'embeddings', parameterNames: ['embeddings.word_embeddings.weight'], lrScale: 1, weightDecay: 0, trainable: false },
      ],
      onEpochStart: () => void calls.push('freeze.epoch'),
    };
    const init: TransferStrategy = { name: 'init', phase: 'initialise', prepareModel: () => void calls.push('init.prepare'), onStepStart: () => void calls.push('init.step') };
    const t = new Trainer({ model, collator: toyCollator(), args: { ...base, maxSteps: 2, warmupSteps: 0 }, strategies: [freeze, init] });
    await t.fit(toyExamples(12));
    const after = snapshot(model);
    expect(after.get('embeddings.word_embeddings.weight')).toEqual(before.get('embeddings.word_embeddings.weight'));
    expect(after.get('classifier.weight')).not.toEqual(before.get('classifier.weight'));
    expect(calls).toEqual(['init.prepare', 'freeze.epoch', 'init.step', 'init.step']);
    t.dispose();

    const a: TransferStrategy = { name: 'a', phase: 'data', conflictsWith: ['b'] };
    const b: TransferStrategy = { name: 'b', phase: 'data' };
    const t2 = new Trainer({ model, collator: toyCollator(), args: { ...base, maxSteps: 1 }, strategies: [a, b] });
    await expect(t2.fit(toyExamples(4))).rejects.toThrow(/strategies "a" and "b" cannot be combined/);
    const dup: TransferStrategy = { name: 'g', phase: 'optimisation', parameterGroups: (g) => [...g, { ...g[0]!, name: 'again' }] };
    const t3 = new Trainer({ model, collator: toyCollator(), args: { ...base, maxSteps: 1 }, strategies: [dup] });
    await expect(t3.fit(toyExamples(4))).rejects.toThrow(/is in two groups: "decay" and "again"/);
    model.dispose();
  });

  it('validates args with the key named', () => {
    const model = new ToyModel();
    expect(() => new Trainer({ model, collator: toyCollator(), args: { learningRate: -1 } })).toThrow(/training args: "learningRate"/);
    expect(() => new Trainer({ model, collator: toyCollator(), args: { lrSchedulerType: 'nope' as 'linear' } })).toThrow(/"lrSchedulerType"/);
    expect(() => new Trainer({ model, collator: toyCollator(), args: { evalStrategy: 'steps' } })).toThrow(/"evalSteps": required/);
    expect(() => new Trainer({ model, collator: toyCollator(), args: { bogus: 1 } as TrainingArgsInput })).toThrow(/bogus/);
    model.dispose();
  });
});
