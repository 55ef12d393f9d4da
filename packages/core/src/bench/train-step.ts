/**
 * Training-step throughput of the default `wasm` backend on the BERT-shaped step (bert-shaped-step.ts),
 * beside the PyTorch CPU anchor run in the same invocation (absolute numbers drift between runs and
 * with machine load; the ratio is what to compare).
 *
 *   pnpm run build && node packages/core/dist/bench/train-step.js [options]
 *     --models tiny,mini       shapes to run (BERT_SHAPES)
 *     --steps 3                timed steps per model (after one warm-up step)
 *     --batch 32 --seq 128     batch shape
 *     --dropout 0.1            HF BERT's dropout (0 to disable)
 *     --overrides all|LIST     tl wasm kernel overrides to register: all, or a comma list
 *                              (UnsortedSegmentSum is always added: training needs it)
 *     --anchor PATH|none       torch_cpu_bert.py (default: ../shared/anchors beside the repo)
 *     --python PATH            interpreter for the anchor (default /usr/bin/python3)
 *     --profile                also print per-kernel time of one step (tf.profile)
 *
 * Prints one JSON line per measurement and a final summary line with the wasm/PyTorch ratios.
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WasmBackend } from '../backend/wasm-backend.js';
import { WASM_KERNEL_OVERRIDES, type WasmKernelOverride } from '../backend/kernels/wasm/register.js';
import { BERT_SHAPES, bertTrainStep, createBertBatch, createBertParams, disposeBatch } from './bert-shaped-step.js';

type ModelName = keyof typeof BERT_SHAPES;

interface WasmResult {
  readonly kind: 'wasm';
  readonly model: ModelName;
  readonly batch: number;
  readonly seq: number;
  readonly stepMs: number;
  readonly samplesPerS: number;
  /** Samples per second of this process's own CPU time: less sensitive to other load on the machine. */
  readonly samplesPerCpuS: number;
  readonly loadAvg1m: number;
}

function parseOverrides(value: string): WasmKernelOverride[] {
  const all = Object.keys(WASM_KERNEL_OVERRIDES) as WasmKernelOverride[];
  if (value === 'all') return all;
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!all.includes(n as WasmKernelOverride)) throw new Error(`--overrides: unknown kernel ${n} (known: ${all.join(', ')})`);
  }
  return [...new Set<WasmKernelOverride>(['UnsortedSegmentSum', ...(names as WasmKernelOverride[])])];
}

function measureWasm(model: ModelName, batchSize: number, seq: number, steps: number, dropout: number): WasmResult {
  const shape = BERT_SHAPES[model];
  const params = createBertParams(shape);
  const batch = createBertBatch(shape, batchSize, seq);
  const optimizer = tf.train.adam(2e-5);
  try {
    bertTrainStep(shape, params, batch, optimizer, { dropout, seed: 0 });
    const wall0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < steps; i++) bertTrainStep(shape, params, batch, optimizer, { dropout, seed: i + 1 });
    const cpu = process.cpuUsage(cpu0);
    const stepMs = (performance.now() - wall0) / steps;
    const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
    return {
      kind: 'wasm', model, batch: batchSize, seq, stepMs: round(stepMs),
      samplesPerS: round((batchSize / stepMs) * 1000), samplesPerCpuS: round((batchSize / cpuMs) * 1000),
      loadAvg1m: round(loadavg()[0]!),
    };
  } finally {
    optimizer.dispose();
    tf.dispose(Object.values(params));
    disposeBatch(batch);
  }
}

async function profileStep(model: ModelName, batchSize: number, seq: number, dropout: number): Promise<void> {
  const shape = BERT_SHAPES[model];
  const params = createBertParams(shape);
  const batch = createBertBatch(shape, batchSize, seq);
  const optimizer = tf.train.adam(2e-5);
  bertTrainStep(shape, params, batch, optimizer, { dropout });
  const info = await tf.profile(() => {
    bertTrainStep(shape, params, batch, optimizer, { dropout });
  });
  const byKernel = new Map<string, { calls: number; ms: number }>();
  for (const k of info.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const e = byKernel.get(key) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += k.kernelTimeMs as number;
    byKernel.set(key, e);
  }
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30);
  for (const [key, e] of rows) console.log(JSON.stringify({ kind: 'profile', model, kernel: key, calls: e.calls, ms: round(e.ms) }));
  optimizer.dispose();
  tf.dispose(Object.values(params));
  disposeBatch(batch);
}

interface AnchorResult {
  readonly train_samples_per_s: number;
  readonly [key: string]: unknown;
}

function runAnchor(python: string, anchor: string, model: ModelName, steps: number, batch: number): AnchorResult | undefined {
  const r = spawnSync(python, [anchor, model, String(steps), String(batch)], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(JSON.stringify({ kind: 'anchor-error', model, status: r.status, stderr: (r.stderr ?? String(r.error)).slice(-500) }));
    return undefined;
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as AnchorResult;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function defaultAnchor(): string {
  // dist/bench/train-step.js → repo root is four levels up; shared/ sits beside the repo.
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
  return join(repo, '../shared/anchors/torch_cpu_bert.py');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: 'tiny,mini' },
      steps: { type: 'string', default: '3' },
      batch: { type: 'string', default: '32' },
      seq: { type: 'string', default: '128' },
      dropout: { type: 'string', default: '0.1' },
      overrides: { type: 'string', default: 'all' },
      anchor: { type: 'string', default: defaultAnchor() },
      python: { type: 'string', default: '/usr/bin/python3' },
      profile: { type: 'boolean', default: false },
    },
  });
  const models = values.models.split(',') as ModelName[];
  for (const m of models) if (!(m in BERT_SHAPES)) throw new Error(`--models: unknown ${m} (known: ${Object.keys(BERT_SHAPES).join(', ')})`);
  const steps = Number(values.steps);
  const batch = Number(values.batch);
  const seq = Number(values.seq);
  const dropout = Number(values.dropout);
  const overrides = parseOverrides(values.overrides);
  const anchor = values.anchor !== 'none' && existsSync(values.anchor) ? values.anchor : undefined;
  if (values.anchor !== 'none' && !anchor) console.log(JSON.stringify({ kind: 'anchor-missing', path: values.anchor }));

  await new WasmBackend({ kernelOverrides: overrides }).init();
  console.log(JSON.stringify({ kind: 'config', backend: tf.getBackend(), overrides, steps, batch, seq, dropout }));

  const summary: Record<string, unknown> = { kind: 'summary' };
  for (const model of models) {
    const wasm = measureWasm(model, batch, seq, steps, dropout);
    console.log(JSON.stringify(wasm));
    if (values.profile) await profileStep(model, batch, seq, dropout);
    const torch = anchor ? runAnchor(values.python, anchor, model, steps, batch) : undefined;
    if (torch) console.log(JSON.stringify({ kind: 'anchor', ...torch }));
    summary[model] = {
      wasmSamplesPerS: wasm.samplesPerS,
      torchSamplesPerS: torch?.train_samples_per_s ?? null,
      ratio: torch ? round(wasm.samplesPerS / torch.train_samples_per_s) : null,
    };
  }
  console.log(JSON.stringify(summary));
}

await main();
