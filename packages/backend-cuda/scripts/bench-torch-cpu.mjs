#!/usr/bin/env node
/**
 * Fine-tuning throughput on torch-cpu beside the PyTorch CPU anchor, in one run (absolute numbers
 * drift between runs; the ratio is what to compare). The step is @tl/core's BERT-shaped step in
 * tfjs ops (embeddings, attention, GELU, LayerNorm, CE) plus tfjs's Adam, batch 32, seq 128.
 *
 *   node scripts/bench-torch-cpu.mjs [tiny|mini] [steps] [--dropout 0.1] [--threads N] [--tl-adamw] [--no-anchor] [--profile]
 *
 * --threads N sets ATen's thread count on both sides (the anchor's torch.set_num_threads is patched).
 * --tl-adamw updates with @tl/core's AdamW (torch's AdamW; on this backend one TL_ADAMW_UPDATE kernel
 * per parameter) instead of tfjs's Adam. scripts/trainer-profile.mjs measures the real Trainer instead.
 *
 * Needs the addon built (build:native) and, for the anchor, Debian's python3-torch.
 * Besides wall time it reports CPU time per step (user + system, all threads) for both sides — the
 * anchor is run a second time with time.perf_counter patched to time.process_time — because on a
 * shared machine the wall-clock ratio swings with other processes' load.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW } from '@tl/core';
import { TorchCpuBackend } from '../dist/index.js';
// @tl/core's shared BERT-shaped step (its bench module is not part of the package's public API).
import { BERT_SHAPES, bertLossAndGrads, bertTrainStep, createBertBatch, createBertParams, disposeBatch } from '../../core/dist/bench/bert-shaped-step.js';

const here = dirname(fileURLToPath(import.meta.url));
// The anchor runs with the environment this script was given (loading the addon sets
// OMP_WAIT_POLICY for this process only; see src/native/addon.ts).
const anchorEnv = { ...process.env };
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && ['--dropout', '--threads'].includes(args[i - 1])));
const threads = option('--threads', undefined);
const model = positional[0] ?? 'mini';
const steps = Number(positional[1] ?? 5);
const dropout = option('--dropout', 0.1);
const batchSize = 32;
const seq = 128;

const shape = BERT_SHAPES[model];
if (!shape) throw new Error(`unknown model ${model}; one of ${Object.keys(BERT_SHAPES).join(', ')}`);

const backend = new TorchCpuBackend({ threads });
await backend.init();
const params = tf.tidy(() => createBertParams(shape, 0));
const batch = createBertBatch(shape, batchSize, seq, 0);
const fused = flag('--tl-adamw') ? new AdamW() : undefined;
const groups = [{ name: 'all', params: Object.entries(params).map(([name, variable]) => ({ name, variable })), lr: 2e-5, weightDecay: 0.01, trainable: true }];
const optimizer = tf.train.adam(2e-5);
const run = (i) => {
  if (!fused) return bertTrainStep(shape, params, batch, optimizer, { dropout, seed: i });
  const { loss, grads } = bertLossAndGrads(shape, params, batch, { dropout, seed: i });
  fused.step(groups, new Map(Object.entries(grads)));
  tf.dispose(grads);
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
};

run(0); // warm-up: allocator, optimizer moments
const tensorsBefore = tf.memory().numTensors;
let profile;
if (flag('--profile')) {
  profile = await tf.profile(() => {
    run(1);
  });
}
const t0 = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < steps; i++) run(i + 2);
const stepMs = (performance.now() - t0) / steps;
const cpu = process.cpuUsage(cpu0);
const cpuStepMs = (cpu.user + cpu.system) / 1000 / steps;
if (tf.memory().numTensors !== tensorsBefore) throw new Error(`training step leaked ${tf.memory().numTensors - tensorsBefore} tensors`);

const ours = {
  backend: 'torch-cpu',
  description: backend.capabilities().description,
  model,
  batch: batchSize,
  seq,
  dropout,
  optimizer: fused ? '@tl/core AdamW (TL_ADAMW_UPDATE)' : 'tfjs adam',
  train_step_ms: Math.round(stepMs * 10) / 10,
  train_samples_per_s: Math.round((batchSize / stepMs) * 1000 * 100) / 100,
  train_step_cpu_ms: Math.round(cpuStepMs * 10) / 10,
};
console.log(JSON.stringify(ours));

if (profile) {
  const byKernel = new Map();
  for (const k of profile.kernels) {
    const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += k.kernelTimeMs;
    e.calls += 1;
    byKernel.set(k.name, e);
  }
  const top = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
  console.log(JSON.stringify({ profile_kernels: profile.kernels.length, top: top.map(([n, e]) => `${n} ${e.ms.toFixed(1)}ms/${e.calls}`) }));
}

disposeBatch(batch);
tf.dispose(Object.values(params));
optimizer.dispose();
fused?.dispose();

const anchorScript = process.env.TL_TORCH_ANCHOR ?? join(here, '../../../../shared/anchors/torch_cpu_bert.py');
if (!flag('--no-anchor') && existsSync(anchorScript)) {
  const runAnchor = (cpuTime) => {
    let patch = cpuTime ? 'time.perf_counter = time.process_time; ' : '';
    if (threads) patch += `import torch; _set = torch.set_num_threads; torch.set_num_threads = lambda n: _set(${threads}); `;
    const code = `import runpy, sys, time; ${patch}sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')`;
    const out = execFileSync('/usr/bin/python3', ['-W', 'ignore', '-c', code, anchorScript, model, String(steps)], { encoding: 'utf8', env: anchorEnv });
    return JSON.parse(out.trim().split('\n').pop());
  };
  const anchor = runAnchor(false);
  const anchorCpu = runAnchor(true);
  console.log(JSON.stringify({ ...anchor, train_step_cpu_ms: anchorCpu.train_step_ms }));
  const round3 = (x) => Math.round(x * 1000) / 1000;
  console.log(
    JSON.stringify({
      ratio_vs_pytorch: round3(ours.train_samples_per_s / anchor.train_samples_per_s),
      cpu_time_ratio_vs_pytorch: round3(anchorCpu.train_step_ms / ours.train_step_cpu_ms),
    }),
  );
} else if (!flag('--no-anchor')) {
  console.log(JSON.stringify({ anchor: 'skipped', reason: `${anchorScript} not found (set TL_TORCH_ANCHOR)` }));
}
