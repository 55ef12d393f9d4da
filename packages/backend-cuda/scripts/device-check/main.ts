/**
 * The GPU half of scripts/device-check.sh, bundled into one file (scripts/bundle-device-check.mjs)
 * so the GPU machine needs only node, the bundle and the freshly built addon ($TL_TORCH_ADDON):
 *   1. every differential kernel case on `cuda` against tfjs `cpu`;
 *   2. the BERT-shaped (tiny) loss and gradients on `cuda` (fp32, and bf16 autocast loosely) vs `cpu`;
 *   3. BERT-base training-step throughput (batch 32, seq 128) fp32 and bf16 autocast.
 * Writes JSON to --out DIR (device-check.json) and prints a summary.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CudaBackend } from '../../src/backends/cuda-backend.js';
import { TorchCpuBackend } from '../../src/backends/torch-cpu-backend.js';
import { loadAddon } from '../../src/native/addon.js';
import type { TorchBackend } from '../../src/torch-backend.js';
import { TL_ADAMW, TL_DROPOUT } from '../../src/kernels/fused.js';
import { FusedAdamW } from '../../src/optim/fused-adamw.js';
import { kernelCases } from '../../test/differential/cases.js';
import { difference, evaluate } from '../../test/differential/compare.js';
import {
  bertLossAndGrads,
  createBertBatch,
  createBertParams,
  disposeBatch,
  type BertShape,
} from '../../../core/src/bench/bert-shaped-step.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const outDir = opt('--out', '.');
const device = Number(opt('--device', '0'));
const benchSteps = Number(opt('--steps', '10'));
const dropout = Number(opt('--dropout', '0'));
// --cpu: a dry run of the same checks on torch-cpu, for machines without a GPU (tiny bench only).
const cpuDryRun = argv.includes('--cpu');
const target = cpuDryRun ? 'torch-cpu' : 'cuda';
const report: Record<string, unknown> = { started: new Date().toISOString() };
const save = (): void => {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'device-check.json'), JSON.stringify(report, null, 2));
};
const log = (line: string): void => console.log(`[device-check] ${line}`);

async function useCuda(autocast: 'bf16' | false): Promise<void> {
  if (cpuDryRun) await new TorchCpuBackend().init();
  else await new CudaBackend({ device, autocast }).init();
}

async function differential(): Promise<void> {
  const cases = kernelCases();
  const failures: string[] = [];
  const t0 = performance.now();
  for (const [i, c] of cases.entries()) {
    const seed = 1000 + i;
    try {
      await tf.setBackend('cpu');
      const want = evaluate(tf, c, seed);
      await tf.setBackend(target);
      const got = evaluate(tf, c, seed);
      // GPU reductions and libm differ from JS in the last bits; 1e-4 relative is still tight.
      const diff = difference(got, want, Math.max(c.tol ?? 1e-5, 1e-4), c.dtype);
      if (diff) failures.push(`${c.kernel} ${c.label}: ${diff}`);
    } catch (e) {
      failures.push(`${c.kernel} ${c.label}: threw ${(e as Error).message.split('\n')[0]}`);
    }
  }
  report.differential = { cases: cases.length, passed: cases.length - failures.length, failures, seconds: (performance.now() - t0) / 1000 };
  log(`differential: ${cases.length - failures.length}/${cases.length} cases match cpu`);
  for (const f of failures.slice(0, 30)) log(`  FAIL ${f}`);
}

function residency(): void {
  // Proof that tensors live on the GPU: a matmul output's native handle reports device >= 0.
  const y = tf.matMul(tf.randomNormal([64, 64]), tf.randomNormal([64, 64]));
  const b = tf.backend() as TorchBackend;
  report.residency = { matmulOutputDevice: b.addon.deviceOf(b.handle(y)) };
  y.dispose();
}

const TINY: BertShape = { layers: 2, hidden: 32, heads: 4, intermediate: 64, vocab: 100, maxPositions: 16, typeVocab: 2, labels: 3 };

async function gradsOn(backend: string): Promise<{ loss: number; grads: Record<string, Float32Array> }> {
  await tf.setBackend(backend);
  const params = tf.tidy(() => createBertParams(TINY, 7));
  const batch = tf.tidy(() => {
    const b = createBertBatch({ ...TINY, vocab: 1100 }, 3, 10, 5);
    const mask = tf.tensor2d([Array(10).fill(1), [1, 1, 1, 1, 1, 1, 0, 0, 0, 0], Array(10).fill(1)]);
    return { ...b, inputIds: tf.mod(b.inputIds, tf.scalar(TINY.vocab, 'int32')) as tf.Tensor2D, attentionMask: mask as tf.Tensor2D };
  });
  const { loss, grads } = bertLossAndGrads(TINY, params, batch);
  const out = { loss: loss.dataSync()[0]!, grads: {} as Record<string, Float32Array> };
  for (const [k, g] of Object.entries(grads)) out.grads[k] = g.dataSync() as Float32Array;
  tf.dispose([loss, grads]);
  disposeBatch(batch);
  tf.dispose(Object.values(params));
  return out;
}

async function gradientParity(): Promise<void> {
  const want = await gradsOn('cpu');
  const result: Record<string, unknown> = {};
  for (const autocast of [false, 'bf16'] as const) {
    await useCuda(autocast);
    const got = await gradsOn(target);
    let worst = 0;
    let worstName = '';
    for (const [k, w] of Object.entries(want.grads)) {
      const g = got.grads[k]!;
      for (let i = 0; i < w.length; i++) {
        const d = Math.abs(g[i]! - w[i]!);
        if (d > worst) [worst, worstName] = [d, k];
      }
    }
    const limit = autocast ? 5e-2 : 1e-4;
    const lossDiff = Math.abs(got.loss - want.loss);
    const pass = worst < limit && lossDiff < limit;
    result[autocast || 'fp32'] = { lossCpu: want.loss, lossCuda: got.loss, maxGradDiff: worst, worstParam: worstName, limit, pass };
    log(`bert-tiny gradients ${autocast || 'fp32'}: loss diff ${lossDiff.toExponential(2)}, max grad diff ${worst.toExponential(2)} (${worstName}) ${pass ? 'ok' : 'FAIL'}`);
  }
  report.gradients = result;
}

/** The fused kernels on the device: TlDropout's mask statistics and determinism, TlAdamW vs torch's formula on cpu. */
async function fusedChecks(): Promise<void> {
  await useCuda(false);
  const ones = tf.ones([256, 1024]);
  const [a, b] = [0, 1].map(() => tf.engine().runKernel(TL_DROPOUT, { x: ones }, { rate: 0.1, seed: 3 }) as tf.Tensor);
  const [va, vb] = [await a!.data(), await b!.data()];
  const deterministic = va.every((x, i) => x === vb[i]);
  const keptFraction = va.filter((x) => x !== 0).length / va.length;
  tf.dispose([ones, a!, b!]);

  const [pv, gv] = [tf.randomNormal([300, 7], 0, 1, 'float32', 1), tf.randomNormal([300, 7], 0, 1, 'float32', 2)];
  const [pData, gData] = [await pv.data(), await gv.data()];
  const mZero = tf.zeros([300, 7]);
  const out = tf.engine().runKernel(TL_ADAMW, { param: pv, grad: gv, expAvg: mZero, expAvgSq: mZero }, { lr: 1e-2, weightDecay: 0.01, step: 1 }) as tf.Tensor[];
  const got = await out[0]!.data();
  tf.dispose([pv, gv, mZero, ...out]);
  let maxDiff = 0;
  for (let i = 0; i < got.length; i++) {
    // step 1 from zero moments: m = 0.1 g, v = 0.001 g², update = lr · g / (|g| + eps) (bias-corrected)
    const g = gData[i]!;
    const want = pData[i]! * (1 - 1e-2 * 0.01) - (1e-2 * (0.1 * g)) / 0.1 / (Math.sqrt(0.001 * g * g) / Math.sqrt(0.001) + 1e-8);
    maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want));
  }
  const pass = deterministic && Math.abs(keptFraction - 0.9) < 0.01 && maxDiff < 1e-5;
  report.fused = { dropoutDeterministic: deterministic, dropoutKeptFraction: keptFraction, adamwMaxDiff: maxDiff, pass };
  log(`fused kernels: TlDropout deterministic ${deterministic}, kept ${keptFraction.toFixed(4)} (0.9); TlAdamW max diff ${maxDiff.toExponential(2)} ${pass ? 'ok' : 'FAIL'}`);
}

const BASE: BertShape = { layers: 12, hidden: 768, heads: 12, intermediate: 3072, vocab: 30522, maxPositions: 512, typeVocab: 2, labels: 2 };

async function bench(): Promise<void> {
  const shape = cpuDryRun ? TINY : BASE;
  const batchSize = cpuDryRun ? 4 : 32;
  await useCuda(false);
  const params = tf.tidy(() => createBertParams(shape, 0));
  const batch = createBertBatch(shape, batchSize, cpuDryRun ? 16 : 128, 0);
  const results = report.bench as Record<string, unknown>;
  for (const [name, autocast, fused] of [
    ['fp32', false, false],
    ['fp32_tl_adamw', false, true],
    ['bf16', 'bf16', false],
    ['bf16_tl_adamw', 'bf16', true],
  ] as const) {
    await useCuda(autocast); // the live backend switches autocast; params stay where they are
    const adam = fused ? undefined : tf.train.adam(2e-5);
    const adamw = fused ? new FusedAdamW(2e-5, 0.01) : undefined;
    // @tl/core's bertTrainStep, split so the time to *issue* a step (JS + kernel launches) shows
    // apart from the wait for the GPU: issue ≈ total means the host, not the GPU, sets the pace.
    let issueMs = 0;
    const step = (i: number): number => {
      const t = performance.now();
      const { loss, grads } = bertLossAndGrads(shape, params, batch, { dropout, seed: i });
      // Gradients come keyed by HF name; tfjs's optimizer wants its variable names (as bertTrainStep does).
      if (adam) adam.applyGradients(Object.entries(grads).map(([n, tensor]) => ({ name: params[n]!.name, tensor })));
      else adamw!.apply(params, grads);
      tf.dispose(grads);
      issueMs += performance.now() - t;
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    };
    step(0);
    step(1);
    issueMs = 0;
    const t0 = performance.now();
    let loss = 0;
    for (let i = 0; i < benchSteps; i++) loss = step(i + 2);
    const ms = (performance.now() - t0) / benchSteps;
    issueMs /= benchSteps;
    const samples = (batchSize / ms) * 1000;
    results[name] = { step_ms: ms, issue_ms: issueMs, samples_per_s: samples, loss, tensors: tf.memory().numTensors };
    log(`${cpuDryRun ? 'tiny (dry run)' : 'BERT-base'} train step ${name}: ${ms.toFixed(1)} ms (${issueMs.toFixed(1)} ms to issue), ${samples.toFixed(1)} samples/s (dropout ${dropout})`);
    adam?.dispose();
    adamw?.dispose();
    save();
  }
  disposeBatch(batch);
  tf.dispose(Object.values(params));
}

async function main(): Promise<void> {
  const { addon, path } = loadAddon();
  report.addon = { path, torch: addon.torchVersion(), cudaAvailable: addon.cudaAvailable(), devices: addon.cudaDeviceCount() };
  log(`addon ${path}: libtorch ${addon.torchVersion()}, CUDA ${addon.cudaAvailable()} (${addon.cudaDeviceCount()} devices)`);
  await useCuda(false);
  save();
  residency();
  await differential();
  save();
  await gradientParity();
  save();
  await fusedChecks();
  save();
  if (!argv.includes('--no-bench')) {
    report.bench = cpuDryRun
      ? { model: 'bert-tiny-test (dry run)', batch: 4, seq: 16, steps: benchSteps, dropout }
      : { model: 'bert-base', batch: 32, seq: 128, steps: benchSteps, dropout };
    await bench();
  }
  report.finished = new Date().toISOString();
  save();
}

main().catch((e) => {
  report.error = String((e as Error).stack ?? e);
  save();
  console.error(e);
  process.exit(1);
});
