import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  Callback,
  createEngine,
  fromPretrained,
  readTrainerCheckpoint,
  savePretrained,
  SeededRandom,
  toFloat32,
  tokenizerCollator,
  Trainer,
  type GradientContext,
  type HookContext,
  type StepContext,
} from '@tl/core';
import { fixtureDir } from '../support/fixtures.js';

/**
 * The checkpoint of issue 15: a randomly initialised BERT whose sizes are not multiples of a SIMD
 * width (intermediate 61, hidden 48 split in 3 heads of 16), `gelu_new`, a large `initializer_range`
 * (0.3: large activations, gradient norms ~10–40, so clipping is active on every step), 4 labels.
 * The fixture's tokenizer (vocab 600) supplies the ids.
 */
const CONFIG = {
  model_type: 'bert', vocab_size: 600, hidden_size: 48, num_hidden_layers: 3, num_attention_heads: 3,
  intermediate_size: 61, hidden_act: 'gelu_new', initializer_range: 0.3, max_position_embeddings: 64,
  type_vocab_size: 2, num_labels: 4, architectures: ['BertForSequenceClassification'],
};
const STEPS = 6;
/** The cpu reference is pure JS and webgpu runs on llvmpipe: minutes on a loaded 2-core machine. */
const LONG = 900_000;
/** `tl finetune`'s run in the issue: AdamW, lr 5e-3 with 2 warmup steps, clipping at 1, decay 0.01 on everything. */
const ARGS = {
  learningRate: 5e-3, weightDecay: 0.01, noDecay: [], warmupSteps: 2, maxSteps: STEPS, maxGradNorm: 1,
  batchSize: 4, shuffle: false,
};
const WORDS = ('the quick brown fox jumps over lazy dog permission granted free charge person copy licensor ' +
  'license software foundation cafe second segment hereby obtaining').split(' ');

/** Four random text pairs, long enough that some are truncated at 32 tokens (longest_first). */
function textPairs(seed: number) {
  const random = new SeededRandom(seed);
  const words = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(random.next() * WORDS.length)]).join(' ');
  return Array.from({ length: 4 }, (_, i) => ({ text: words(4 + Math.floor(random.next() * 20)), textPair: words(3 + Math.floor(random.next() * 20)), label: i }));
}

/**
 * The attention key bias's gradient is 0 in exact arithmetic (softmax ignores a constant added to a
 * query's scores), so every backend — torch too — computes rounding noise for it, ~1e-8, and AdamW,
 * which divides each element's step by its own gradient's size, turns that noise into steps of up to
 * ±lr in a direction each backend draws differently. Its values say nothing about a backend (and it
 * changes no loss), so it is left out of the weight comparisons; its gradients are still in the norms. (Nor are its AdamW moments, which hold that noise.)
 */
const isKeyBias = (name: string) => /attention\.self\.key\.bias(\.exp_avg(_sq)?)?$/.test(name);

interface StepRecord {
  loss: number;
  gradNorm: number;
}

/** Records each step's loss and gradient norm; optionally saves a checkpoint at start and after every step, or stops after one. */
class TrajectoryProbe extends Callback {
  readonly name = 'trajectory-probe';
  readonly steps: StepRecord[] = [];
  private norm = NaN;
  constructor(private readonly options: { checkpointsIn?: string; oneStepInto?: string } = {}) {
    super();
  }
  override async onTrainStart(ctx: HookContext) {
    if (this.options.checkpointsIn && ctx.state.step === 0) await ctx.trainer.saveCheckpoint(join(this.options.checkpointsIn, 'checkpoint-0'));
  }
  override onAfterBackward(ctx: GradientContext) {
    this.norm = ctx.gradNorm;
  }
  override async onStepEnd(ctx: StepContext) {
    this.steps.push({ loss: ctx.loss!, gradNorm: this.norm });
    if (this.options.checkpointsIn) await ctx.trainer.saveCheckpoint(join(this.options.checkpointsIn, `checkpoint-${ctx.state.step}`));
    if (this.options.oneStepInto) {
      await ctx.trainer.saveCheckpoint(this.options.oneStepInto);
      ctx.control.stop('one step');
    }
  }
}

/** Runs the Trainer on the active backend from `modelDir` (or from a checkpoint), with `probe`. */
async function train(modelDir: string, probe: TrajectoryProbe, resumeFrom?: string): Promise<void> {
  const { model, tokenizer } = await fromPretrained(modelDir, { dropout: 0 });
  const trainer = new Trainer({ model, collator: tokenizerCollator(tokenizer, { maxLength: 32 }), args: ARGS, callbacks: [probe] });
  try {
    await trainer.fit(textPairs(11), undefined, resumeFrom === undefined ? {} : { resumeFrom });
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/** A checkpoint's weights and AdamW moments as float32 arrays, by name. */
interface CheckpointValues {
  readonly weights: Map<string, Float32Array>;
  readonly moments: Map<string, Float32Array>;
}

async function checkpointTensors(dir: string): Promise<CheckpointValues> {
  const ckpt = await readTrainerCheckpoint(dir);
  const values = (m: Map<string, Parameters<typeof toFloat32>[0]>) => new Map([...m].map(([k, v]) => [k, toFloat32(v)]));
  return { weights: values(ckpt.weights), moments: values(ckpt.optimizerTensors) };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/**
 * The largest weight difference over the elements whose gradient stands above float32 noise: those
 * whose first moment (in `ref`) is at least 1% of its tensor's largest. AdamW divides each element's
 * step by that element's own gradient size, so an element whose gradient is near 0 steps by up to
 * ±lr in a direction set by rounding (on every backend, torch's too); for the resolved elements a
 * gradient's relative error of ~1e-5 of its tensor's scale moves the step by < 1e-6. The moments
 * themselves, linear in the gradients, are compared over every element.
 */
function resolvedWeightDiff(mine: CheckpointValues, ref: CheckpointValues): number {
  let worst = 0;
  for (const [name, w] of ref.weights) {
    if (isKeyBias(name)) continue;
    const m = ref.moments.get(`${name}.exp_avg`)!;
    const floor = 0.01 * maxAbs(m);
    const got = mine.weights.get(name)!;
    for (let i = 0; i < w.length; i++) if (Math.abs(m[i]!) >= floor) worst = Math.max(worst, Math.abs(got[i]! - w[i]!));
  }
  return worst;
}

/**
 * Free-running bounds, the same for every backend: set by how far this run amplifies a last-bit
 * difference (cpu against cpu with 1/7 of the initial weights scaled by 1 + 1e-7: losses 1.3e-5,
 * norms 2.7e-5 relative), not by any backend's accuracy; the step-by-step bounds are the tight ones.
 */
export const FREE_RUNNING = { loss: 1e-5, gradNormRel: 1e-4, weight: 5e-4 } as const;

export interface TrajectoryTolerances {
  /** One step from the same state: |Δloss|, |Δnorm|/norm, max |Δweight|, max |Δmoment|/max |moment|. */
  readonly step: { readonly loss: number; readonly gradNormRel: number; readonly weight: number; readonly momentRel: number };
  /** Six free-running steps: the same, on the losses, norms and final weights. */
  readonly run: { readonly loss: number; readonly gradNormRel: number; readonly weight: number };
}

/**
 * Six `tl finetune` steps of the issue-15 checkpoint on `backend` against `cpu`, two ways:
 *
 * - step by step: every step starts from cpu's checkpoint of the step before (weights, AdamW moments,
 *   schedule) and must land on cpu's next checkpoint: the loss and gradient norm of the step, the
 *   updated weights and both moments. This checks forward, backward, the global norm, the clip and
 *   AdamW of every step at float32 accuracy, independently of how the run amplifies rounding.
 * - free-running: the whole run, losses, norms and final weights (the trajectory a user sees).
 *
 * Why both: this checkpoint is ill-conditioned (initializer_range 0.3), and AdamW's per-element
 * normalisation turns the last-bit differences of any two float32 implementations into differences
 * of the trajectory far larger than one step's. Measured here: cpu against cpu with 1/7 of the initial
 * weights scaled by (1 + 1e-7) drifts by up to 3.4e-4 in gradient norm (2.7e-5 relative) and 1.3e-5
 * in loss over the six steps, so a free-running bound cannot be tighter than that on any backend;
 * the step-by-step bounds are the tight ones.
 */
export function describeTrajectory(
  backendName: string,
  tol: TrajectoryTolerances,
  setup: () => Promise<unknown> = async () => {},
): void {
  describe(`issue-15 checkpoint: six AdamW steps on ${backendName} against cpu`, () => {
    let root = '';
    const modelDir = () => join(root, 'model');
    const cpuCheckpoint = (step: number) => join(root, 'cpu', `checkpoint-${step}`);
    let cpuSteps: StepRecord[] = [];

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'tl-trajectory-'));
      await createEngine({ backend: 'cpu' });
      const model = buildModel(CONFIG, { seed: 5 });
      await savePretrained(modelDir(), model, { tokenizerFrom: fixtureDir('bert-cls') });
      model.dispose();
      const reference = new TrajectoryProbe({ checkpointsIn: join(root, 'cpu') });
      await train(modelDir(), reference);
      cpuSteps = reference.steps;
      expect(cpuSteps).toHaveLength(STEPS);
      // The checkpoint is as described: clipping is active (norms ≫ 1) on every step.
      for (const s of cpuSteps) expect(s.gradNorm).toBeGreaterThan(1);
      await setup();
      await createEngine({ backend: backendName });
    }, LONG);
    afterAll(async () => {
      if (root) await rm(root, { recursive: true, force: true });
    });

    it('every step from cpu\'s state lands on cpu\'s next state: loss, gradient norm, weights, AdamW moments', async () => {
      const report: string[] = [];
      const checks: Array<[string, number, number]> = [];
      for (let k = 0; k < STEPS; k++) {
        const probe = new TrajectoryProbe({ oneStepInto: join(root, backendName, `step-${k + 1}`) });
        const before = tf.memory().numTensors;
        await train(modelDir(), probe, cpuCheckpoint(k));
        expect(tf.memory().numTensors, `tensors after step ${k + 1}`).toBe(before);
        expect(probe.steps).toHaveLength(1);
        const [got, want] = [probe.steps[0]!, cpuSteps[k]!];
        const [mine, ref] = [await checkpointTensors(join(root, backendName, `step-${k + 1}`)), await checkpointTensors(cpuCheckpoint(k + 1))];
        const weight = resolvedWeightDiff(mine, ref);
        let moment = 0;
        for (const [name, m] of ref.moments) {
          if (isKeyBias(name)) continue;
          moment = Math.max(moment, maxAbsDiff(mine.moments.get(name)!, m) / Math.max(maxAbs(m), 1e-30));
        }
        report.push(`step ${k + 1}: loss ${Math.abs(got.loss - want.loss).toExponential(1)}, norm ${(Math.abs(got.gradNorm - want.gradNorm) / want.gradNorm).toExponential(1)} rel, resolved weights ${weight.toExponential(1)}, moments ${moment.toExponential(1)} rel`);
        checks.push(
          [`loss of step ${k + 1}`, Math.abs(got.loss - want.loss), tol.step.loss],
          [`gradient norm of step ${k + 1} (relative)`, Math.abs(got.gradNorm - want.gradNorm) / want.gradNorm, tol.step.gradNormRel],
          [`weights after step ${k + 1}`, weight, tol.step.weight],
          [`AdamW moments after step ${k + 1} (relative)`, moment, tol.step.momentRel],
        );
      }
      console.log(`${backendName} vs cpu, step by step:\n  ${report.join('\n  ')}`);
      for (const [what, value, bound] of checks) expect(value, what).toBeLessThanOrEqual(bound);
    }, LONG);

    it('the free-running trajectory follows cpu\'s: losses, gradient norms, final weights', async () => {
      const probe = new TrajectoryProbe({ checkpointsIn: join(root, `${backendName}-run`) });
      await train(modelDir(), probe);
      expect(probe.steps).toHaveLength(STEPS);
      const loss = Math.max(...probe.steps.map((s, i) => Math.abs(s.loss - cpuSteps[i]!.loss)));
      const norm = Math.max(...probe.steps.map((s, i) => Math.abs(s.gradNorm - cpuSteps[i]!.gradNorm) / cpuSteps[i]!.gradNorm));
      const [mine, ref] = [await checkpointTensors(join(root, `${backendName}-run`, `checkpoint-${STEPS}`)), await checkpointTensors(cpuCheckpoint(STEPS))];
      const weight = resolvedWeightDiff(mine, ref);
      console.log(`${backendName} vs cpu, free-running: losses ${loss.toExponential(1)}, norms ${norm.toExponential(1)} rel, final resolved weights ${weight.toExponential(1)}`);
      expect(loss).toBeLessThanOrEqual(tol.run.loss);
      expect(norm).toBeLessThanOrEqual(tol.run.gradNormRel);
      expect(weight).toBeLessThanOrEqual(tol.run.weight);
    }, LONG);
  });
}
