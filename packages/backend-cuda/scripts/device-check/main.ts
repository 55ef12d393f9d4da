/**
 * The GPU half of scripts/device-check.sh, bundled into one file (scripts/bundle-device-check.mjs)
 * so the GPU machine needs only node, the bundle and the freshly built addon ($TL_TORCH_ADDON):
 *   1. every differential kernel case on `cuda` against tfjs `cpu`;
 *   2. the BERT-shaped (tiny) loss and gradients on `cuda` (fp32, and bf16 autocast loosely) vs `cpu`;
 *   3. @tl/core's fused-kernel contracts (dropout, AdamW, global norm, LayerNorm, GELU, attention softmax)
 *      on the device against references;
 *   4. BERT-base fine-tuning throughput through @tl/core's real Trainer (batch 32, seq 128), fp32 and
 *      bf16 autocast with the fused kernels, fp32 without them, and kernel calls per step.
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
import { withoutTlKernels } from '../../src/kernels/register.js';
import { benchTrainer, type TrainerBenchOptions } from '../../src/bench/trainer-bench.js';
import {
  AdamW,
  buildModel,
  TL_ADAMW_UPDATE,
  TL_ADAMW_UPDATE_MULTI,
  dropoutKeys,
  dropoutMaskReference,
  dropoutThreshold,
  globalGradNorm,
  runDropoutKernel,
} from '@tl/core';
// core's LayerNorm and activation functions (its nn/ modules are not part of the package's API).
import { layerNorm } from '../../../core/src/nn/layer-norm.js';
import { attentionSoftmaxReference, runAttentionSoftmaxKernel } from '../../../core/src/nn/attention-softmax-kernel.js';
import { activation } from '../../../core/src/nn/activations.js';
import { kernelCases } from '../../test/differential/cases.js';
import { difference, evaluate } from '../../test/differential/compare.js';
import { tinyBertLossAndGrads } from '../../../core/test/support/tiny-bert-step.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const outDir = opt('--out', '.');
const device = Number(opt('--device', '0'));
const benchSteps = Number(opt('--steps', '10'));
const dropout = Number(opt('--dropout', '0.1'));
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

const gelu = activation('gelu');

/** The real BERT classifier at tiny dims (core's buildModel and fused kernels), eval-mode step. */
async function gradsOn(backend: string): Promise<{ loss: number; grads: Record<string, Float32Array> }> {
  await tf.setBackend(backend);
  return tinyBertLossAndGrads(buildModel, 7);
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

/** Largest |got − want| / (|want| + floor), 0 when equal (NaN pairs included). */
function worstRelative(got: ArrayLike<number>, want: ArrayLike<number>, floor: number): number {
  let worst = got.length === want.length ? 0 : Infinity;
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w))) continue;
    const e = Math.abs(g - w) / (Math.abs(w) + floor);
    worst = Number.isNaN(e) ? Infinity : Math.max(worst, e);
  }
  return worst;
}

/** Runs `fn` on `backend` inside a tidy and reads what it returns. */
async function valuesOn(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const values = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return values;
}

/**
 * @tl/core's fused-kernel contracts on the device, each against its reference: TL_DROPOUT bit for
 * bit against core's dropoutMaskReference (the PTX kernel, and the ATen-op fallback), its gradient;
 * TL_ADAMW_UPDATE and TL_ADAMW_UPDATE_MULTI through core's AdamW against core's op sequence on cpu
 * (three steps, a clip scale on one); TL_GLOBAL_NORM through globalGradNorm; TL_LAYER_NORM and TL_GELU through core's layerNorm/gelu against their tfjs-op
 * compositions on cpu, forward and gradients. Also records whether the PTX kernels loaded.
 */
async function fusedChecks(): Promise<void> {
  await useCuda(false);
  const result: Record<string, unknown> = {};
  const b = tf.backend() as TorchBackend;

  // Dropout: [300, 1031] (several blocks, a ragged tail) and a transposed view.
  const [rate, seed] = [0.1, 123456789];
  let dropoutOk = true;
  for (const transposed of [false, true]) {
    const x = tf.tidy(() => (transposed ? tf.transpose(tf.randomNormal([1031, 300], 0, 1, 'float32', 5)) : tf.randomNormal([300, 1031], 0, 1, 'float32', 5)));
    const xs = x.dataSync();
    const mask = dropoutMaskReference(x.size, rate, seed);
    const want = Float32Array.from(xs, (v, i) => v * mask[i]!);
    const y = runDropoutKernel(x, { rate, seed });
    const [k1, k2] = dropoutKeys(seed);
    b.addon.dropout(b.handle(x), k1, k2, dropoutThreshold(rate), 1 / (1 - rate), true);
    const z = tf.engine().makeTensorFromTensorInfo(b.output());
    const w = tf.randomNormal(x.shape, 0, 1, 'float32', 6);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(runDropoutKernel(t, { rate, seed }), w)))(x);
    const wMasked = Float32Array.from(w.dataSync(), (v, i) => v * mask[i]!);
    const exact = (a: ArrayLike<number>, c: ArrayLike<number>): boolean => worstRelative(a, c, 0) === 0;
    const r = { kernel: exact(y.dataSync(), want), atenOps: exact(z.dataSync(), want), gradient: exact(g.dataSync(), wMasked) };
    result[transposed ? 'dropoutTransposed' : 'dropout'] = r;
    dropoutOk &&= r.kernel && r.atenOps && r.gradient;
    tf.dispose([x, y, z, w, g]);
  }
  result.ptx = b.addon.cudaKernelsStatus();

  // AdamW: core's AdamW on cpu (op sequence) vs on the device (the kernel).
  const adamw = async (backend: string, foreach = true): Promise<Float32Array[]> => {
    await (backend === 'cpu' ? tf.setBackend('cpu') : useCuda(false));
    const vars = [[768, 768], [768], [4096, 64]].map((shape, i) => {
      const init = tf.randomNormal(shape, 0, 0.05, 'float32', 20 + i);
      const variable = tf.variable(init, true, `adamw-check-${backend}-${i}`);
      init.dispose();
      return { name: `p${i}`, variable };
    });
    const opt = new AdamW({ foreach });
    for (let step = 1; step <= 3; step++) {
      const grads = new Map(vars.map(({ name, variable }, i) => [name, tf.randomNormal(variable.shape, 0, 0.01 * step, 'float32', 100 * step + i)]));
      opt.step([{ name: 'g', params: vars, lr: 1e-3, weightDecay: 0.01, trainable: true }], grads, step === 2 ? { gradScale: Math.fround(0.37) } : {});
      tf.dispose([...grads.values()]);
    }
    const out = [...vars.map((v) => v.variable.dataSync() as Float32Array), ...[...opt.stateDict().tensors.values()].map((t) => t.dataSync() as Float32Array)];
    opt.dispose();
    tf.dispose(vars.map((v) => v.variable));
    return out;
  };
  // Default: TL_ADAMW_UPDATE_MULTI (one call per step); foreach off: TL_ADAMW_UPDATE per parameter.
  const [adamWant, adamGot, adamGotSingle] = [await adamw('cpu'), await adamw(target), await adamw(target, false)];
  const adamError = Math.max(...adamWant.map((w, i) => Math.max(worstRelative(adamGot[i]!, w, 1e-6), worstRelative(adamGotSingle[i]!, w, 1e-6))));
  result.adamw = { maxRelError: adamError, limit: 1e-6, kernels: [TL_ADAMW_UPDATE_MULTI, TL_ADAMW_UPDATE] };

  // TL_GLOBAL_NORM (_foreach_norm on CUDA) against core's composition on cpu (which sums in double).
  const norm = (): tf.Tensor[] => {
    const xs = [[30522, 768], [768, 3072], [768], [2, 768], [1]].map((shape, i) => tf.randomNormal(shape, 0, 0.01, 'float32', 40 + i));
    return [globalGradNorm(xs)];
  };
  const [normWant, normGot] = [await valuesOn('cpu', norm), await valuesOn(target, norm)];
  const normError = worstRelative(normGot[0]!, normWant[0]!, 0);
  result.globalNorm = { maxRelError: normError, limit: 1e-5 };

  // LayerNorm and GELU through core's functions: y and every gradient.
  const lnGelu = (): tf.Tensor[] => {
    const x = tf.randomNormal([8, 128, 768], 0, 1, 'float32', 30);
    const gamma = tf.randomNormal([768], 1, 0.1, 'float32', 31);
    const beta = tf.randomNormal([768], 0, 0.1, 'float32', 32);
    const w = tf.randomNormal([8, 128, 768], 0, 1, 'float32', 33);
    const f = (a: tf.Tensor, g: tf.Tensor, c: tf.Tensor): tf.Scalar => tf.sum(tf.mul(gelu(layerNorm(a, g, c, 1e-12)), w));
    return [layerNorm(x, gamma, beta, 1e-12), gelu(x), ...tf.grads(f)([x, gamma, beta])];
  };
  const [lnWant, lnGot] = [await valuesOn('cpu', lnGelu), await valuesOn(target, lnGelu)];
  // Relative to each array's scale: dgamma and dbeta sum 1024 rows, where summation order alone
  // moves an element near 0 by more than 1e-4 of itself.
  const scale = (w: Float32Array): number => w.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
  const lnError = Math.max(...lnWant.map((w, i) => worstRelative(lnGot[i]!, w, 1e-3 * scale(w))));
  result.layerNormGelu = { maxRelError: lnError, limit: 1e-4 };

  // Attention probabilities (TL_ATTENTION_SOFTMAX + backward) at BERT-base's size, one padded
  // sequence, against the composition on cpu.
  const attention = (): tf.Tensor[] => {
    const scores = tf.randomNormal([8, 12, 128, 128], 0, 3, 'float32', 50);
    const mask = tf.concat([tf.zeros([7, 1, 1, 128]), tf.concat([tf.zeros([1, 1, 1, 100]), tf.fill([1, 1, 1, 28], -3.4028234663852886e38)], 3)], 0);
    const w = tf.randomNormal([8, 12, 128, 128], 0, 1, 'float32', 51);
    const onTarget = tf.getBackend() !== 'cpu';
    const probs = (s: tf.Tensor): tf.Tensor => (onTarget ? runAttentionSoftmaxKernel(s as tf.Tensor4D, mask as tf.Tensor4D, 0.125) : attentionSoftmaxReference(s, mask, 0.125));
    return [probs(scores), tf.grad((s: tf.Tensor) => tf.sum(tf.mul(probs(s), w)))(scores)];
  };
  const [attWant, attGot] = [await valuesOn('cpu', attention), await valuesOn(target, attention)];
  const attError = Math.max(...attWant.map((w, i) => worstRelative(attGot[i]!, w, 1e-3 * scale(w))));
  result.attentionSoftmax = { maxRelError: attError, limit: 1e-4 };

  const pass = dropoutOk && adamError < 1e-6 && normError < 1e-5 && lnError < 1e-4 && attError < 1e-4;
  report.fused = { ...result, pass };
  log(
    `fused kernels (${String(result.ptx)}): dropout exact ${dropoutOk}, AdamW ${adamError.toExponential(2)}, ` +
      `global norm ${normError.toExponential(2)}, LayerNorm+GELU ${lnError.toExponential(2)}, attention softmax ${attError.toExponential(2)} ${pass ? 'ok' : 'FAIL'}`,
  );
}

/**
 * @tl/core's real fine-tuning path (src/bench/trainer-bench.ts: buildModel, PaddingCollator,
 * Trainer with dropout, clipping, schedule, AdamW) on BERT-base, batch 32 × seq 128: fp32 and bf16
 * with the fused kernels, fp32 without them (core's tfjs-op compositions: the "before"), kernel
 * calls per step, and for fp32 a V8 profile of the host over two steps (self time by layer:
 * addon/ATen, this package's JS, tfjs-core, @tl/core; raw profile in host-profile-fp32.cpuprofile).
 * Last, a BERT too small for its arithmetic to matter: its step time over its kernel calls is the
 * host's cost per kernel call on this machine.
 */
async function bench(): Promise<void> {
  const shape = cpuDryRun ? 'tiny' : 'base';
  const batch = cpuDryRun ? 4 : 32;
  const seq = cpuDryRun ? 16 : 128;
  const results = report.bench as Record<string, unknown>;
  const nativeNames = Object.keys(loadAddon().addon).filter((k) => typeof (loadAddon().addon as unknown as Record<string, unknown>)[k] === 'function');
  const runs: [string, 'bf16' | false, boolean, TrainerBenchOptions][] = [
    ['fp32', false, true, { shape, batch, seq, steps: benchSteps, dropout, countKernels: true, profileHost: { nativeNames } }],
    ['bf16', 'bf16', true, { shape, batch, seq, steps: benchSteps, dropout }],
    ['fp32_without_tl_kernels', false, false, { shape, batch, seq, steps: Math.max(2, Math.ceil(benchSteps / 3)), dropout, countKernels: true }],
    ['host_per_call_micro', false, true, { shape: 'micro', vocab: 64, batch: 2, seq: 8, steps: 20, dropout, countKernels: true }],
  ];
  for (const [name, autocast, tlKernels, options] of runs) {
    await useCuda(autocast);
    const r = tlKernels ? await benchTrainer(options) : await withoutTlKernels(() => benchTrainer(options));
    const { hostProfile, ...rest } = r;
    if (hostProfile) writeFileSync(join(outDir, `host-profile-${name}.cpuprofile`), JSON.stringify(hostProfile.profile));
    const hostUsPerCall = r.kernelCallsPerStep ? (1000 * r.msPerStep) / r.kernelCallsPerStep : undefined;
    results[name] = {
      ...rest,
      step_ms: r.msPerStep,
      samples_per_s: r.samplesPerSecond,
      host_us_per_kernel_call: hostUsPerCall,
      host_profile: hostProfile && { wallMs: hostProfile.wallMs, layersMs: hostProfile.layers, top: hostProfile.top },
      tensors: tf.memory().numTensors,
    };
    log(
      `${options.shape} b${options.batch} s${options.seq} Trainer step ${name}: ${r.msPerStep.toFixed(1)} ms, ${r.samplesPerSecond.toFixed(1)} samples/s ` +
        `(dropout ${dropout}, ${r.kernelCallsPerStep ?? '?'} kernel calls/step${hostUsPerCall ? ` = ${hostUsPerCall.toFixed(1)} µs each` : ''}, host CPU ${r.cpuMsPerStep.toFixed(0)} ms/step, ` +
        `losses ${r.losses.map((l) => l.toFixed(3)).join(' ')}, tensors flat ${r.tensorsFlat})`,
    );
    if (hostProfile) log(`  host time of 2 steps by layer (ms): ${JSON.stringify(hostProfile.layers)}`);
    save();
  }
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
      ? { model: 'bert-tiny (dry run)', path: '@tl/core Trainer', batch: 4, seq: 16, steps: benchSteps, dropout }
      : { model: 'bert-base', path: '@tl/core Trainer', batch: 32, seq: 128, steps: benchSteps, dropout };
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
