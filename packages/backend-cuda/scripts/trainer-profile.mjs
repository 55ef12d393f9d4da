#!/usr/bin/env node
/**
 * Kernels and host time of @tl/core's real fine-tuning step (buildModel + PaddingCollator + Trainer:
 * dropout 0.1, clipping, linear schedule, AdamW with weight decay) on a libtorch backend, batch 32 ×
 * seq 128 (src/bench/trainer-bench.ts). Needs the TypeScript built (`npx tsc -b packages/backend-cuda`).
 *
 *   node scripts/trainer-profile.mjs [--shape tiny|mini|small|base] [--steps N] [--backend torch-cpu|cuda]
 *                                    [--threads N] [--dropout X] [--without-tl-kernels] [--top N]
 *
 * Prints one JSON line: ms and CPU ms per step over N timed steps (after one warm-up step), the
 * kernels of one more step by name, and whether the engine's tensor count stayed flat.
 * --without-tl-kernels unregisters @tl/core's fused kernels (TL_ADAMW_UPDATE, TL_DROPOUT,
 * TL_LAYER_NORM, TL_GELU) for the run, so core composes tfjs ops: the "before" of an A/B.
 * Run it under `node --cpu-prof` to see where host time goes per kernel call.
 */
import { CudaBackend, TorchCpuBackend, withoutTlKernels } from '../dist/index.js';
import { benchTrainer } from '../dist/bench/trainer-bench.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const threads = opt('threads', undefined);
const backend = opt('backend', 'torch-cpu') === 'cuda' ? new CudaBackend({ device: 0 }) : new TorchCpuBackend({ threads: threads && Number(threads) });
await backend.init();

const withKernels = !args.includes('--without-tl-kernels');
const run = () => benchTrainer({ shape: opt('shape', 'mini'), steps: Number(opt('steps', 3)), dropout: Number(opt('dropout', 0.1)), countKernels: true });
const r = withKernels ? await run() : await withoutTlKernels(run);
const top = Number(opt('top', 25));
console.log(
  JSON.stringify({
    backend: backend.capabilities().description,
    tlKernels: withKernels,
    ...r,
    msPerStep: Math.round(r.msPerStep),
    samplesPerSecond: Math.round(r.samplesPerSecond * 100) / 100,
    cpuMsPerStep: Math.round(r.cpuMsPerStep),
    firstStepMs: Math.round(r.firstStepMs),
    losses: r.losses.map((l) => Math.round(l * 1e4) / 1e4),
    kernelCalls: Object.entries(r.kernelCalls ?? {}).slice(0, top).map(([n, c]) => `${n} ${c}`),
  }),
);
