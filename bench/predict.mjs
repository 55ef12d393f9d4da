// Inference throughput of `tl predict` (the CLI, end to end, as a user runs it) for a BERT-shaped
// classifier at seq 128, beside the PyTorch CPU anchor run in the same benchmark.
// Usage: node bench/predict.mjs [tiny|mini|...] [inputs] [--backend wasm]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, createEngine, savePretrained } from '@tl/core';
import { bertConfig } from './shapes.mjs';
import { runTorchAnchor } from './anchor.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const backendFlag = args.indexOf('--backend');
const backend = backendFlag >= 0 ? args.splice(backendFlag, 2)[1] : 'wasm';
const shape = args[0] ?? 'mini';
const count = Number(args[1] ?? 256);

const dir = mkdtempSync(join(tmpdir(), `tl-bench-${shape}-`));
await createEngine({ backend: 'cpu' });
const model = buildModel(bertConfig(shape), { seed: 0 });
await savePretrained(dir, model);
const fixture = join(here, '..', 'test', 'fixtures', 'hf-tiny', 'bert-cls');
for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(fixture, f), join(dir, f));

// Long enough that every input is truncated to exactly 128 tokens, as the anchor's batches are.
const text = 'Permission is hereby granted, free of charge, to any person obtaining a copy of this software. '.repeat(12);
const input = join(dir, 'inputs.jsonl');
writeFileSync(input, Array.from({ length: count }, (_, i) => JSON.stringify({ text: `${i} ${text}` })).join('\n') + '\n');

const bin = join(here, '..', 'packages', 'cli', 'dist', 'bin.js');
const run = (n) => {
  const t0 = performance.now();
  execFileSync(process.execPath, [bin, 'predict', '--model', dir, '--input', input, '--max-length', '128', '--batch-size', '32', '--backend', backend, '--output', join(dir, `out-${n}.jsonl`)]);
  return (performance.now() - t0) / 1000;
};
run(0); // warm the file cache
const seconds = run(1);
const tl = { samples_per_s: +(count / seconds).toFixed(2), seconds: +seconds.toFixed(2) };
const anchor = runTorchAnchor(shape, 5);
const ratio = anchor ? +(tl.samples_per_s / anchor.infer_samples_per_s).toFixed(3) : undefined;
console.log(JSON.stringify({ bench: 'tl predict', shape, backend, seq: 128, inputs: count, tl, pytorch_cpu_infer_samples_per_s: anchor?.infer_samples_per_s, pytorch_cpu_peak_rss_mib: anchor?.peak_rss_mib, ratio }));
