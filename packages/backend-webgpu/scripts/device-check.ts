/**
 * Device check, bundled by build-device-bundle.mjs and run by device-check.sh on a GPU machine:
 *   1. the kernel parity cases of test/kernels.test.ts (webgpu vs cpu, 1e-4) on the chosen Dawn backend;
 *   2. the HF bert-cls fixture's logits and loss (if the fixture folder is given);
 *   3. UnsortedSegmentSum (the embedding gradients) at the largest size's shapes: tl's kernel against
 *      the tfjs kernel it replaces;
 *   3b. the matmuls of one step at the largest size's shapes (forward, dX, dW, attention): GFLOP/s of
 *      tl's GEMM against tfjs's BatchMatMul, and their largest difference;
 *   4. a BERT training-step benchmark (forward, backward, @tl/core's AdamW — the fused TlAdamWUpdate
 *      kernel when registered) in samples/s: tiny, mini, base at batch 32 × seq 128 — BERT-base is
 *      the number to compare with HF PyTorch (534 samples/s fp32 on an H200);
 *   5. the same through @tl/core's real path (`buildModel` + `Trainer`: dropout, clipping, schedule)
 *      for --trainer-sizes, and a per-kernel profile of one such step when the budget allows;
 *   6. the optimizer alone on the largest size's parameters: @tl/core's AdamW op by op
 *      (`useKernel: false`) against its fused-kernel path;
 *   7. a per-kernel profile of one step of the largest size (where the time goes);
 *   with --baseline, also the largest stand-in step without tl's speed-ups (before/after in one run).
 * Writes $OUT/webgpu-device.json (and prints a summary). Each phase has a deadline so the whole run
 * stays under the time it is given.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, PaddingCollator, StepTimer, Trainer, TL_ADAMW_UPDATE, buildModel, createEngine, hasAdamWKernel } from '@tl/core';
import { WebGpuBackend, withTfjsKernels, withoutTlSpeedups, type WebGpuBackendOptions } from '../src/index.js';
import { gemmHooks } from '../src/kernels/matmul/matmul-webgpu.js';
import { DispatchCounter } from '../src/bench/dispatch-counter.js';
import {
  BERT_SHAPES,
  bertLogits,
  bertLoss,
  bertLossAndGrads,
  bertParamValues,
  bertShapeFromConfig,
  createBertBatch,
  createBertParams,
  disposeBatch,
  parseSafetensorsF32,
  type BertShape,
} from '../src/bench/index.js';
import { runOn, worstMismatch } from '../test/helpers/compare-backends.js';
import { ATOL, RTOL, kernelCases } from '../test/helpers/kernel-cases.js';

interface Args {
  out: string;
  dawnBackend: WebGpuBackendOptions['dawnBackend'];
  fixture?: string;
  budgetS: number;
  sizes: string[];
  /** Sizes to run through @tl/core's Trainer too (empty: none). */
  trainerSizes: string[];
  batch: number;
  seq: number;
  /** tfjs's WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE (dispatches per queue submit; tfjs default 15). */
  submitBatch?: number;
  /** Also time the largest stand-in step without tl's speed-ups (the "before" number). */
  baseline: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (k: string): string | undefined => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    out: get('out') ?? process.env.OUT ?? '.',
    dawnBackend: (get('dawn-backend') ?? 'vulkan') as WebGpuBackendOptions['dawnBackend'],
    fixture: get('fixture'),
    budgetS: Number(get('budget-s') ?? 200),
    sizes: (get('sizes') ?? 'tiny,mini,base').split(',').filter(Boolean),
    trainerSizes: (get('trainer-sizes') ?? 'base').split(',').filter(Boolean),
    batch: Number(get('batch') ?? 32),
    seq: Number(get('seq') ?? 128),
    submitBatch: get('submit-batch') ? Number(get('submit-batch')) : undefined,
    baseline: argv.includes('--baseline'),
  };
}

const t0 = Date.now();
const elapsed = (): number => (Date.now() - t0) / 1000;
const log = (msg: string): void => console.log(`[${elapsed().toFixed(1)}s] ${msg}`);

async function parity(): Promise<{ passed: number; failed: { name: string; detail: string }[] }> {
  const failed: { name: string; detail: string }[] = [];
  let passed = 0;
  for (const c of kernelCases()) {
    try {
      const gpu = await runOn('webgpu', c.fn, c.inputs);
      const cpu = await runOn('cpu', c.fn, c.inputs);
      const w = worstMismatch(gpu, cpu, RTOL);
      if (w.excess <= ATOL) passed++;
      else failed.push({ name: c.name, detail: `output ${w.output}[${w.index}]: webgpu ${w.webgpu} vs cpu ${w.cpu}` });
    } catch (e) {
      failed.push({ name: c.name, detail: String(e) });
    }
  }
  await tf.setBackend('webgpu');
  return { passed, failed };
}

async function fixtureParity(folder: string): Promise<{ maxLogitError: number; lossError: number }> {
  const config = JSON.parse(await readFile(join(folder, 'config.json'), 'utf8'));
  const ref = JSON.parse(await readFile(join(folder, 'reference.json'), 'utf8'));
  const bytes = await readFile(join(folder, 'model.safetensors'));
  const shape = bertShapeFromConfig(config);
  const params = createBertParams(shape, 0, parseSafetensorsF32(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
  const batch = {
    inputIds: tf.tensor2d(ref.inputs.input_ids, undefined, 'int32'),
    attentionMask: tf.tensor2d(ref.inputs.attention_mask),
    tokenTypeIds: tf.tensor2d(ref.inputs.token_type_ids, undefined, 'int32'),
    labels: tf.tensor1d(ref.labels, 'int32'),
  };
  const logits = tf.tidy(() => bertLogits(shape, params, batch));
  const loss = tf.tidy(() => bertLoss(shape, params, batch));
  const got = await logits.data();
  const maxLogitError = Math.max(...Array.from(got, (v, i) => Math.abs(v - ref.logits.data[i])));
  const lossError = Math.abs((await loss.data())[0]! - ref.loss);
  tf.dispose([logits, loss, ...Object.values(batch), ...Object.values(params)]);
  return { maxLogitError, lossError };
}

interface BenchResult {
  size: string;
  batch: number;
  seq: number;
  steps: number;
  msPerStep: number;
  samplesPerSecond: number;
  firstStepMs: number;
  losses: number[];
  /** Which AdamW path the step used. */
  optimizer: string;
}

async function bench(size: string, shape: BertShape, batchSize: number, seq: number, deadlineS: number): Promise<BenchResult> {
  const params = createBertParams(shape, 1, bertParamValues(shape, 1));
  const batch = createBertBatch(shape, batchSize, seq, 2);
  const opt = new AdamW();
  const groups = [adamwGroup(params)];
  const losses: number[] = [];
  const step = async (): Promise<number> => {
    const loss = trainStep(shape, params, batch, opt, groups);
    const v = (await loss.data())[0]!; // one GPU→CPU sync per step, as a training loop logging its loss has
    loss.dispose();
    return v;
  };
  let s = performance.now();
  losses.push(await step()); // compiles every pipeline
  const firstStepMs = performance.now() - s;
  losses.push(await step());
  s = performance.now();
  let steps = 0;
  while (steps < 10 && (steps < 2 || elapsed() < deadlineS)) {
    losses.push(await step());
    steps++;
  }
  const msPerStep = (performance.now() - s) / steps;
  opt.dispose();
  disposeBatch(batch);
  tf.dispose(Object.values(params));
  const optimizer = hasAdamWKernel() ? TL_ADAMW_UPDATE : 'op sequence';
  return { size, batch: batchSize, seq, steps, msPerStep, samplesPerSecond: (1000 * batchSize) / msPerStep, firstStepMs, losses, optimizer };
}

function adamwGroup(params: Record<string, tf.Variable>) {
  return { name: 'all', params: Object.entries(params).map(([name, variable]) => ({ name, variable })), lr: 1e-4, weightDecay: 0.01, trainable: true };
}

/** Forward, backward and @tl/core's AdamW (what the Trainer runs); returns the loss tensor. */
function trainStep(shape: BertShape, params: Record<string, tf.Variable>, batch: ReturnType<typeof createBertBatch>, opt: AdamW, groups: ReturnType<typeof adamwGroup>[]): tf.Scalar {
  const { loss, grads } = bertLossAndGrads(shape, params, batch);
  opt.step(groups, new Map(Object.entries(grads)));
  tf.dispose(Object.values(grads));
  return loss;
}

/** One optimizer update over every parameter: @tl/core's AdamW op by op vs its fused-kernel path (ms, median of 3). */
async function optimizerBench(shape: BertShape): Promise<{ params: number; coreAdamWOpsMs: number; coreAdamWKernelMs: number }> {
  const params = createBertParams(shape, 1, bertParamValues(shape, 1));
  const grads = new Map(Object.entries(params).map(([n, p]) => [n, tf.randomNormal(p.shape, 0, 1e-3)]));
  const sync = async (): Promise<void> => void (await Object.values(params)[0]!.data());
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const time = async (useKernel: boolean): Promise<number> => {
    const opt = new AdamW({ useKernel });
    const groups = [adamwGroup(params)];
    const ms: number[] = [];
    for (let r = 0; r < 4; r++) {
      await sync();
      const t = performance.now();
      opt.step(groups, grads);
      await sync();
      if (r > 0) ms.push(performance.now() - t);
    }
    opt.dispose();
    return median(ms);
  };
  const coreAdamWOpsMs = await time(false);
  const coreAdamWKernelMs = await time(true);
  tf.dispose([...grads.values(), ...Object.values(params)]);
  return { params: Object.keys(params).length, coreAdamWOpsMs, coreAdamWKernelMs };
}

interface OpTiming {
  /** GPU time from timestamp queries (0 without timestamp-query). */
  kernelMs: number;
  /** Wall time to the first value read back. */
  wallMs: number;
}

/** Median of 3 timed runs after one warm-up (pipeline compile). */
async function timeOp(make: () => tf.Tensor): Promise<OpTiming> {
  const once = async (): Promise<OpTiming> => {
    let out: tf.Tensor | undefined;
    const t = performance.now();
    const info = await tf.time(() => {
      out = make();
    });
    const probe = tf.slice(tf.reshape(out!, [-1]), 0, 1);
    await probe.data();
    const wallMs = performance.now() - t;
    tf.dispose([out!, probe]);
    return { kernelMs: typeof info.kernelMs === 'number' ? info.kernelMs : 0, wallMs };
  };
  await once();
  const runs = [await once(), await once(), await once()];
  const median = (k: keyof OpTiming): number => runs.map((r) => r[k]).sort((a, b) => a - b)[1]!;
  return { kernelMs: median('kernelMs'), wallMs: median('wallMs') };
}

/**
 * The three embedding gradients of one step (UnsortedSegmentSum of [batch·seq, hidden] rows into the
 * word, position and token-type tables), with tl's kernel and with the tfjs kernel it replaces.
 */
async function segmentSumBench(shape: BertShape, batchSize: number, seq: number): Promise<Record<string, { rows: number; segments: number; tl: OpTiming; tfjs: OpTiming }>> {
  const rows = batchSize * seq;
  const x = tf.randomNormal([rows, shape.hidden]);
  let s = 12345;
  const next = (n: number): number => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return (s >>> 0) % n;
  };
  const patterns = {
    // ~30% [PAD] (id 0) at the end of each sequence, as a padded batch has.
    words: { segments: shape.vocab, ids: Int32Array.from({ length: rows }, (_, i) => (i % seq >= 0.7 * seq ? 0 : next(shape.vocab))) },
    positions: { segments: shape.maxPositions, ids: Int32Array.from({ length: rows }, (_, i) => i % seq) },
    tokenTypes: { segments: shape.typeVocab ?? 2, ids: Int32Array.from({ length: rows }, (_, i) => (i % seq >= seq / 2 ? 1 : 0)) },
  };
  const out: Record<string, { rows: number; segments: number; tl: OpTiming; tfjs: OpTiming }> = {};
  for (const [name, p] of Object.entries(patterns)) {
    const ids = tf.tensor1d(p.ids, 'int32');
    const make = (): tf.Tensor => tf.unsortedSegmentSum(x, ids, p.segments);
    const tl = await timeOp(make);
    const tfjs = await withTfjsKernels(() => timeOp(make), [tf.UnsortedSegmentSum]);
    out[name] = { rows, segments: p.segments, tl, tfjs };
    ids.dispose();
  }
  x.dispose();
  return out;
}

interface MatmulCase {
  readonly name: string;
  readonly a: number[];
  readonly b: number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** The products of one BERT step at this shape (core's Linear is x·Wᵀ; tfjs's MatMul gradient gives dX = dY·W, dW = dYᵀ·X). */
function bertMatmulCases(shape: BertShape, batchSize: number, seq: number): MatmulCase[] {
  const rows = batchSize * seq;
  const { hidden: h, intermediate: f, heads } = shape;
  const d = h / heads;
  const heads4 = [batchSize, heads];
  return [
    { name: `x·Wᵀ ${rows}×${h}×${h} (Q/K/V/output projections)`, a: [rows, h], b: [h, h], transposeA: false, transposeB: true },
    { name: `x·Wᵀ ${rows}×${f}×${h} (FFN in)`, a: [rows, h], b: [f, h], transposeA: false, transposeB: true },
    { name: `x·Wᵀ ${rows}×${h}×${f} (FFN out)`, a: [rows, f], b: [h, f], transposeA: false, transposeB: true },
    { name: `dY·W ${rows}×${h}×${f} (dX of FFN in)`, a: [rows, f], b: [f, h], transposeA: false, transposeB: false },
    { name: `dYᵀ·X ${h}×${h}×${rows} (dW of a projection)`, a: [rows, h], b: [rows, h], transposeA: true, transposeB: false },
    { name: `dYᵀ·X ${f}×${h}×${rows} (dW of FFN in)`, a: [rows, f], b: [rows, h], transposeA: true, transposeB: false },
    { name: `q·kᵀ [${batchSize * heads}] ${seq}×${seq}×${d} (attention scores)`, a: [...heads4, seq, d], b: [...heads4, seq, d], transposeA: false, transposeB: true },
    { name: `p·v [${batchSize * heads}] ${seq}×${d}×${seq} (attention context)`, a: [...heads4, seq, seq], b: [...heads4, seq, d], transposeA: false, transposeB: false },
    { name: `pᵀ·dC [${batchSize * heads}] ${seq}×${d}×${seq} (dV)`, a: [...heads4, seq, seq], b: [...heads4, seq, d], transposeA: true, transposeB: false },
  ];
}

interface MatmulTiming {
  /** Products timed back to back before one read-back. */
  iterations: number;
  msPerProduct: number;
  gflops: number;
  /** GPU time of one product from timestamp queries (0 without timestamp-query). */
  kernelMs: number;
}

interface MatmulBenchResult {
  name: string;
  gflop: number;
  /** tl's tiling and K split ('tfjs' when tl's kernel declined the product). */
  tlPlan: string;
  tl: MatmulTiming;
  tfjs: MatmulTiming;
  /** tl / tfjs throughput. */
  speedup: number;
  /** max |tl − tfjs| / max |tfjs| over the output. */
  relDiff: number;
}

/**
 * Each product with tl's GEMM and with tfjs's kernel (`withTfjsKernels([BatchMatMul])`): one call
 * to compile, a few to size the run, then ~150 ms of calls back to back ended by a read-back (the
 * fence), plus one call under tf.time for GPU time. Stops starting products at `deadlineS`.
 */
async function matmulBench(shape: BertShape, batchSize: number, seq: number, deadlineS: number): Promise<MatmulBenchResult[]> {
  const results: MatmulBenchResult[] = [];
  const fence = async (t: tf.Tensor): Promise<void> => {
    const probe = tf.slice(tf.reshape(t, [-1]), 0, 1);
    await probe.data();
    probe.dispose();
  };
  // Inputs by operand and shape: the cases share most shapes, and tfjs draws random values in JS.
  const inputs = new Map<string, tf.Tensor>();
  const input = (operand: 'a' | 'b', shape: number[]): tf.Tensor => {
    const key = `${operand}:${shape.join('x')}`;
    if (!inputs.has(key)) inputs.set(key, tf.randomNormal(shape, 0, 1, 'float32', operand === 'a' ? 1 : 2));
    return inputs.get(key)!;
  };
  for (const c of bertMatmulCases(shape, batchSize, seq)) {
    if (elapsed() > deadlineS) {
      log(`skipping matmul ${c.name}: time budget`);
      continue;
    }
    const a = input('a', c.a);
    const b = input('b', c.b);
    const product = (): tf.Tensor => tf.matMul(a, b, c.transposeA, c.transposeB);
    const gflop = (2 * outputSize(c) * innerSize(c)) / 1e9;
    const timeRuns = async (n: number): Promise<number> => {
      let last: tf.Tensor | undefined;
      const t = performance.now();
      for (let i = 0; i < n; i++) {
        last?.dispose();
        last = product();
      }
      await fence(last!);
      last!.dispose();
      return performance.now() - t;
    };
    const measure = async (): Promise<{ timing: MatmulTiming; out: tf.Tensor }> => {
      const out = product();
      await fence(out); // compiles the pipeline
      const probeMs = (await timeRuns(3)) / 3;
      const iterations = Math.max(3, Math.min(50, Math.round(150 / Math.max(probeMs, 0.01))));
      const ms = (await timeRuns(iterations)) / iterations;
      let kernelMs = 0;
      const info = await tf.time(() => void tf.dispose(product()));
      if (typeof info.kernelMs === 'number') kernelMs = info.kernelMs;
      return { timing: { iterations, msPerProduct: ms, gflops: gflop / (ms / 1000), kernelMs }, out };
    };
    const runsBefore = gemmHooks.runs;
    const tl = await measure();
    const ran = gemmHooks.runs > runsBefore ? gemmHooks.last : undefined;
    const tlPlan = ran ? `${ran.plan.config.name}×${ran.plan.splits}` : 'tfjs';
    const tfjs = await withTfjsKernels(measure, [tf.BatchMatMul]);
    const diff = tf.tidy(() => tf.stack([tf.max(tf.abs(tf.sub(tl.out, tfjs.out))), tf.max(tf.abs(tfjs.out))]));
    const [maxDiff, maxRef] = Array.from(await diff.data());
    tf.dispose([diff, tl.out, tfjs.out]);
    results.push({ name: c.name, gflop, tlPlan, tl: tl.timing, tfjs: tfjs.timing, speedup: tl.timing.gflops / tfjs.timing.gflops, relDiff: maxDiff! / Math.max(maxRef!, 1e-30) });
  }
  tf.dispose([...inputs.values()]);
  return results;
}

function outputSize(c: MatmulCase): number {
  const batch = c.a.slice(0, -2).reduce((x, y) => x * y, 1);
  const m = c.transposeA ? c.a.at(-1)! : c.a.at(-2)!;
  const n = c.transposeB ? c.b.at(-2)! : c.b.at(-1)!;
  return batch * m * n;
}

function innerSize(c: MatmulCase): number {
  return c.transposeA ? c.a.at(-2)! : c.a.at(-1)!;
}

/** The HF config of a BERT-shaped classifier (what `tl finetune` builds from a checkpoint's config.json). */
function hfBertConfig(shape: BertShape): Record<string, unknown> {
  return {
    architectures: ['BertForSequenceClassification'],
    model_type: 'bert',
    vocab_size: shape.vocab,
    hidden_size: shape.hidden,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    intermediate_size: shape.intermediate,
    max_position_embeddings: shape.maxPositions,
    type_vocab_size: shape.typeVocab ?? 2,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    layer_norm_eps: shape.layerNormEps ?? 1e-12,
    initializer_range: 0.02,
    pad_token_id: 0,
    id2label: Object.fromEntries(Array.from({ length: shape.labels }, (_, i) => [String(i), `LABEL_${i}`])),
  };
}

interface TrainerBenchResult {
  size: string;
  batch: number;
  seq: number;
  steps: number;
  msPerStep: number;
  samplesPerSecond: number;
  firstStepMs: number;
  losses: number[];
  /** The engine's tensor count was the same after every timed step (no leak). */
  tensorsFlat: boolean;
  /** WebGPU compute dispatches per timed step (all programs, tfjs's and tl's). */
  dispatchesPerStep: number;
  /** Kernels of one more Trainer step (wall time inflated by the profiling), when asked for. */
  profile?: ProfileSummary & { wallMs: number };
}

/**
 * @tl/core's own fine-tuning path: `buildModel` from an HF config, `PaddingCollator`, `Trainer.fit`
 * (dropout 0.1, gradient clipping at 1.0 with its norm read back each step, linear schedule, AdamW
 * with weight decay). The examples are pre-tokenized (random ids, a sentence pair at full length),
 * so the tokenizer is not measured.
 */
async function trainerBench(size: string, shape: BertShape, batchSize: number, seq: number, steps: number, profile: boolean): Promise<TrainerBenchResult> {
  const model = buildModel(hfBertConfig(shape), { seed: 0 });
  const encodings = new Map<string, { inputIds: number[]; tokenTypeIds: number[] }>();
  let s = 777;
  const next = (n: number): number => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return (s >>> 0) % n;
  };
  const examples = Array.from({ length: batchSize * (steps + 1) }, (_, i) => {
    const text = `example ${i}`;
    const inputIds = Array.from({ length: seq }, () => 1 + next(shape.vocab - 1));
    encodings.set(text, { inputIds, tokenTypeIds: inputIds.map((_, t) => (t >= seq / 2 ? 1 : 0)) });
    return { text, label: i % shape.labels };
  });
  const collator = new PaddingCollator({ encode: (text) => encodings.get(text)!, padTokenId: 0 });
  const clock = new StepTimer();
  const dispatches = new DispatchCounter();
  const outputDir = await mkdtemp(join(tmpdir(), 'tl-webgpu-trainer-'));
  const trainer = new Trainer({
    model,
    collator,
    callbacks: [clock, dispatches],
    args: { outputDir, batchSize, maxSteps: steps + 1, learningRate: 2e-5, weightDecay: 0.01, warmupSteps: 1, shuffle: false },
  });
  const start = performance.now();
  let profiled: (ProfileSummary & { wallMs: number }) | undefined;
  try {
    await trainer.fit(examples).finally(() => dispatches.dispose());
    if (profile) {
      // One more step (pipelines compiled), through a fresh Trainer on the same model: where the
      // Trainer's step spends what the stand-in's does not (clipping, dropout, syncs, ...). Being that
      // Trainer's first step, it also creates AdamW's moments (2 ZerosLike per parameter).
      const once = new Trainer({ model, collator, args: { outputDir, batchSize, maxSteps: 1, learningRate: 2e-5, weightDecay: 0.01, shuffle: false } });
      try {
        const t = performance.now();
        const info = await tf.profile(async () => void (await once.fit(examples.slice(0, batchSize))));
        profiled = { ...summariseProfile(info), wallMs: performance.now() - t };
      } finally {
        once.dispose();
      }
    }
  } finally {
    trainer.dispose();
    model.dispose();
    await rm(outputDir, { recursive: true, force: true });
  }
  // The first step compiles every pipeline; StepTimer times the rest.
  const msPerStep = clock.msPerStep;
  return {
    size,
    batch: batchSize,
    seq,
    steps: clock.timedSteps,
    msPerStep,
    samplesPerSecond: (1000 * batchSize) / msPerStep,
    firstStepMs: clock.ends[0]! - start,
    losses: clock.losses,
    tensorsFlat: clock.tensorsFlat,
    dispatchesPerStep: dispatches.perStep,
    profile: profiled,
  };
}

/** Kernel time of one BERT-base step by kernel name (needs timestamp-query; otherwise wall time only). */
async function profileStep(shape: BertShape, batchSize: number, seq: number): Promise<ProfileSummary> {
  const params = createBertParams(shape, 1, bertParamValues(shape, 1));
  const batch = createBertBatch(shape, batchSize, seq, 2);
  const opt = new AdamW();
  const groups = [adamwGroup(params)];
  const warm = trainStep(shape, params, batch, opt, groups);
  await warm.data();
  warm.dispose();
  const info = await tf.profile(async () => {
    const loss = trainStep(shape, params, batch, opt, groups);
    await loss.data();
    loss.dispose();
  });
  opt.dispose();
  disposeBatch(batch);
  tf.dispose(Object.values(params));
  return summariseProfile(info);
}

interface ProfileSummary {
  /** GPU time of all kernels (0 without timestamp-query: then only the call counts mean anything). */
  kernelMsTotal: number;
  kernelCalls: number;
  /** The 20 kernels with the most time (then the most calls). */
  top: { kernel: string; ms: number; calls: number }[];
}

function summariseProfile(info: Awaited<ReturnType<typeof tf.profile>>): ProfileSummary {
  const byName = new Map<string, { ms: number; calls: number }>();
  let total = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    total += ms;
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls++;
    byName.set(k.name, e);
  }
  const top = [...byName].map(([kernel, v]) => ({ kernel, ...v })).sort((a, b) => b.ms - a.ms || b.calls - a.calls).slice(0, 20);
  return { kernelMsTotal: total, kernelCalls: info.kernels.length, top };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await mkdir(args.out, { recursive: true });
  const report: Record<string, unknown> = { args, node: process.version, startedAt: new Date().toISOString() };
  const save = (): Promise<void> => writeFile(join(args.out, 'webgpu-device.json'), JSON.stringify(report, null, 2));
  try {
    if (args.submitBatch) tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', args.submitBatch);
    await createEngine({ backend: 'cpu' });
    // allow_unsafe_apis: Dawn otherwise may hide timestamp-query, which the per-kernel profile needs.
    const backend = new WebGpuBackend({ dawnBackend: args.dawnBackend, dawnFlags: ['enable-dawn-features=allow_unsafe_apis'] });
    await createEngine({ backend });
    report.adapter = backend.adapterReport();
    log(`adapter: ${backend.capabilities().description}`);
    await save();

    const p = await parity();
    report.parity = p;
    log(`kernel parity: ${p.passed} passed, ${p.failed.length} failed${p.failed.map((f) => `\n  FAIL ${f.name}: ${f.detail}`).join('')}`);
    await save();

    if (args.fixture) {
      report.fixture = await fixtureParity(args.fixture);
      log(`bert-cls fixture: ${JSON.stringify(report.fixture)}`);
      await save();
    }

    const shapeOf = (size: string): BertShape => {
      const shape = (BERT_SHAPES as Record<string, BertShape>)[size];
      if (!shape) throw new Error(`unknown size ${size} (known: ${Object.keys(BERT_SHAPES).join(', ')})`);
      return shape;
    };
    const largestSize = args.sizes.at(-1) ?? args.trainerSizes.at(-1);
    if (largestSize) {
      report.segmentSum = { size: largestSize, ...(await segmentSumBench(shapeOf(largestSize), args.batch, args.seq)) };
      log(`UnsortedSegmentSum (${largestSize} embedding gradients, tl vs tfjs kernel): ${JSON.stringify(report.segmentSum)}`);
      await save();
      // ≤ 30 s (and within the run's budget): tl's GEMM against tfjs's BatchMatMul on this size's products.
      report.matmul = { size: largestSize, batch: args.batch, seq: args.seq, cases: await matmulBench(shapeOf(largestSize), args.batch, args.seq, Math.min(elapsed() + 30, args.budgetS * 0.5)) };
      for (const r of (report.matmul as { cases: MatmulBenchResult[] }).cases) {
        log(`matmul ${r.name}: tl (${r.tlPlan}) ${r.tl.gflops.toFixed(0)} GFLOP/s vs tfjs ${r.tfjs.gflops.toFixed(0)} (${r.speedup.toFixed(2)}×; kernel ms ${r.tl.kernelMs.toFixed(3)} vs ${r.tfjs.kernelMs.toFixed(3)}; rel diff ${r.relDiff.toExponential(1)}${r.relDiff > 1e-4 ? ' MISMATCH' : ''})`);
      }
      await save();
    }

    const results: BenchResult[] = [];
    report.bench = results;
    for (const size of args.sizes) {
      const shape = shapeOf(size);
      if (elapsed() > args.budgetS * 0.8) {
        log(`skipping ${size}: time budget`);
        continue;
      }
      const r = await bench(size, shape, args.batch, args.seq, Math.min(args.budgetS * 0.8, elapsed() + 40));
      results.push(r);
      // HF PyTorch BERT-base fine-tuning on an H200 (DESIGN.md): 534 samples/s fp32 at batch 32, seq 128.
      const vsTorch = size === 'base' && r.batch === 32 && r.seq === 128 ? `, ${(r.samplesPerSecond / 534).toFixed(3)}× PyTorch fp32 (H200)` : '';
      log(`bench ${size} b${r.batch} s${r.seq}: ${r.msPerStep.toFixed(1)} ms/step, ${r.samplesPerSecond.toFixed(1)} samples/s${vsTorch} (first step ${r.firstStepMs.toFixed(0)} ms, loss ${r.losses[0]!.toFixed(4)} → ${r.losses.at(-1)!.toFixed(4)}, AdamW: ${r.optimizer})`);
      await save();
    }

    const biggest = results.at(-1);
    if (args.baseline && biggest) {
      // The same step with tfjs's UnsortedSegmentSum and without @tl/core's fused kernels (AdamW,
      // LayerNorm, GELU by tfjs ops): what this package ran before them.
      const r = await withoutTlSpeedups(() => bench(biggest.size, shapeOf(biggest.size), args.batch, args.seq, Math.min(args.budgetS * 0.8, elapsed() + 30)));
      report.baseline = r;
      log(`baseline (no tl speed-ups) ${r.size} b${r.batch} s${r.seq}: ${r.msPerStep.toFixed(1)} ms/step, ${r.samplesPerSecond.toFixed(1)} samples/s vs ${biggest.samplesPerSecond.toFixed(1)} with them (${(biggest.samplesPerSecond / r.samplesPerSecond).toFixed(2)}×)`);
      await save();
    }

    const trainerResults: TrainerBenchResult[] = [];
    report.trainer = trainerResults;
    for (const size of args.trainerSizes) {
      // Size the run from the stand-in's step time when it ran (the real path does a little more).
      const standIn = results.find((r) => r.size === size);
      const estimateMs = standIn ? 1.3 * standIn.msPerStep : 2000;
      const left = args.budgetS * 0.8 - elapsed() - (standIn ? standIn.firstStepMs / 1000 : 20);
      const steps = Math.min(8, Math.floor((1000 * left) / estimateMs));
      if (steps < 2) {
        log(`skipping trainer ${size}: time budget`);
        continue;
      }
      // Profile a step too when it fits (profiling times every kernel: a few step-times).
      const profile = elapsed() + ((steps + 6) * estimateMs) / 1000 < args.budgetS * 0.85;
      const r = await trainerBench(size, shapeOf(size), args.batch, args.seq, steps, profile);
      trainerResults.push(r);
      const vsTorch = size === 'base' && r.batch === 32 && r.seq === 128 ? `, ${(r.samplesPerSecond / 534).toFixed(3)}× PyTorch fp32 (H200)` : '';
      log(`trainer ${size} b${r.batch} s${r.seq} (@tl/core buildModel + Trainer): ${r.msPerStep.toFixed(1)} ms/step, ${r.samplesPerSecond.toFixed(1)} samples/s${vsTorch} (first step ${r.firstStepMs.toFixed(0)} ms, ${r.steps} timed steps, ${r.dispatchesPerStep} dispatches per step, losses ${r.losses.map((l) => l.toFixed(4)).join(' ')}, tensors flat: ${r.tensorsFlat})`);
      if (r.profile) log(`trainer ${size} profile (one step, kernel ms by op): ${JSON.stringify(r.profile)}`);
      await save();
    }
    const largest = results.at(-1);
    if (largest && elapsed() + (largest.firstStepMs + 8 * largest.msPerStep) / 1000 < args.budgetS) {
      report.optimizer = { size: largest.size, ...(await optimizerBench(shapeOf(largest.size))) };
      log(`optimizer step (${largest.size}): ${JSON.stringify(report.optimizer)}`);
      await save();
    } else log('skipping optimizer bench: time budget');

    // Profile the largest size benchmarked, if one more warm-up + profiled step (timed kernel by
    // kernel, so a few times slower than a plain step) fits in what is left.
    const last = results.at(-1);
    const needS = last ? (last.firstStepMs + 6 * last.msPerStep) / 1000 : Infinity;
    if (last && elapsed() + needS < args.budgetS) {
      report.profile = { size: last.size, ...(await profileStep(shapeOf(last.size), args.batch, args.seq)) };
      log(`profile (${last.size} step, kernel ms by op): ${JSON.stringify(report.profile)}`);
    } else log(`skipping profile: needs ~${needS.toFixed(0)} s, ${(args.budgetS - elapsed()).toFixed(0)} s left`);
    report.memory = tf.memory();
  } catch (e) {
    report.error = e instanceof Error ? `${e.message}\n${e.stack}` : String(e);
    log(`ERROR ${String(e)}`);
    process.exitCode = 1;
  }
  report.elapsedS = elapsed();
  await save();
  log(`wrote ${join(args.out, 'webgpu-device.json')}`);
}

await main();
