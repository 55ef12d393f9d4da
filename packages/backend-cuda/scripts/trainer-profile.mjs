#!/usr/bin/env node
/**
 * Kernels and host time of @tl/core's real fine-tuning step (buildModel + PaddingCollator + Trainer:
 * dropout 0.1, clipping, linear schedule, AdamW with weight decay) on a libtorch backend, batch 32 ×
 * seq 128 (src/bench/trainer-bench.ts). Needs the TypeScript built (`npx tsc -b packages/backend-cuda`).
 *
 *   node scripts/trainer-profile.mjs [--shape micro|tiny|mini|small|base] [--steps N] [--backend torch-cpu|cuda]
 *                                    [--threads N] [--dropout X] [--batch N] [--seq N] [--vocab N] [--without-tl-kernels]
 *                                    [--host-profile FILE.cpuprofile] [--top N]
 *
 * Prints one JSON line: ms and CPU ms per step over N timed steps (after one warm-up step), the
 * kernels of one more step by name, and whether the engine's tensor count stayed flat.
 * --without-tl-kernels unregisters @tl/core's fused kernels (TL_ADAMW_UPDATE, TL_DROPOUT,
 * TL_LAYER_NORM, TL_GELU) for the run, so core composes tfjs ops: the "before" of an A/B.
 * --host-profile profiles two more steps with V8's sampler (as node --cpu-prof), prints self time by
 * layer (the addon's native calls, this package's JS, tfjs-core, @tl/core, GC) and the top functions,
 * and writes the raw profile to FILE (open it in Chrome DevTools). A small --batch/--seq makes the
 * per-kernel-call overhead, not the arithmetic, what is measured; so does `--shape micro --vocab 64
 * --batch 2 --seq 8` on its own (ms per step over kernel calls per step = host µs per call).
 */
import { writeFileSync } from 'node:fs';
import { CudaBackend, TorchCpuBackend, loadAddon, withoutTlKernels } from '../dist/index.js';
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
const hostProfileFile = opt('host-profile', undefined);
const { addon } = loadAddon();
const nativeNames = Object.keys(addon).filter((k) => typeof addon[k] === 'function');
const run = () =>
  benchTrainer({
    shape: opt('shape', 'mini'),
    steps: Number(opt('steps', 3)),
    batch: Number(opt('batch', 32)),
    seq: Number(opt('seq', 128)),
    vocab: Number(opt('vocab', 30522)),
    dropout: Number(opt('dropout', 0.1)),
    countKernels: true,
    profileHost: hostProfileFile ? { nativeNames } : undefined,
  });
const r = withKernels ? await run() : await withoutTlKernels(run);
const top = Number(opt('top', 25));
if (r.hostProfile && hostProfileFile) writeFileSync(hostProfileFile, JSON.stringify(r.hostProfile.profile));
const host = r.hostProfile && { wallMsPerStep: Math.round(r.hostProfile.wallMs / 2), layersMsPerStep: Object.fromEntries(Object.entries(r.hostProfile.layers).map(([k, v]) => [k, Math.round(v / 2)])), top: r.hostProfile.top.slice(0, 15) };
console.log(
  JSON.stringify({
    backend: backend.capabilities().description,
    tlKernels: withKernels,
    ...r,
    msPerStep: Math.round(r.msPerStep * 10) / 10,
    samplesPerSecond: Math.round(r.samplesPerSecond * 100) / 100,
    cpuMsPerStep: Math.round(r.cpuMsPerStep),
    firstStepMs: Math.round(r.firstStepMs),
    losses: r.losses.map((l) => Math.round(l * 1e4) / 1e4),
    kernelCalls: Object.entries(r.kernelCalls ?? {}).slice(0, top).map(([n, c]) => `${n} ${c}`),
    hostProfile: host,
  }),
);
