// Fine-tuning throughput through the real Trainer (tokenized batches, forward, backward, clipping,
// AdamW) for BERT-shaped classifiers at batch 32, seq 128, beside the PyTorch CPU anchor run in the
// same benchmark. Usage: node bench/finetune.mjs [--backend wasm] [--shapes tiny,mini] [--steps N] [--profile]
// --profile: also the kernels of one more Trainer step of the same model, by time (tf.profile).
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel, createEngine, StepTimer, TextTokenizer, tokenizerCollator, Trainer } from '@tl/core';
import { bertConfig } from './shapes.mjs';
import { runTorchAnchor } from './anchor.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const flag = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const backend = flag('backend', 'wasm');
const shapes = flag('shapes', 'tiny,mini').split(',');
const BATCH = 32;
const SEQ = 128;

// Backends in their own packages register themselves on import (as `tl --backend` does).
const BACKEND_PACKAGES = { webgpu: '@tl/backend-webgpu', cuda: '@tl/backend-cuda', 'torch-cpu': '@tl/backend-cuda' };
if (BACKEND_PACKAGES[backend]) await import(BACKEND_PACKAGES[backend]);
await createEngine({ backend });
const tokenizer = await TextTokenizer.fromFolder(join(here, '..', 'test', 'fixtures', 'hf-tiny', 'bert-cls'));
const text = 'Permission is hereby granted, free of charge, to any person obtaining a copy of this software. '.repeat(12);
const results = [];
for (const shape of shapes) {
  const steps = Number(flag('steps', shape === 'tiny' ? 12 : 6));
  const model = buildModel(bertConfig(shape), { seed: 0 });
  const examples = Array.from({ length: BATCH * (steps + 1) }, (_, i) => ({ text: `${i} ${text}`, label: i % 2 }));
  const clock = new StepTimer();
  const trainer = new Trainer({
    model,
    collator: tokenizerCollator(tokenizer, { maxLength: SEQ }),
    args: { batchSize: BATCH, maxSteps: steps + 1, learningRate: 2e-5, outputDir: mkdtempSync(join(tmpdir(), 'tl-bench-')), shuffle: false },
    callbacks: [clock],
  });
  await trainer.fit(examples);
  // The first step compiles/warms kernels; StepTimer times the rest.
  const samplesPerS = (1000 * BATCH) / clock.msPerStep;
  const anchor = runTorchAnchor(shape, 5, BATCH);
  results.push({
    shape,
    backend,
    batch: BATCH,
    seq: SEQ,
    tl_train_samples_per_s: +samplesPerS.toFixed(2),
    tl_step_ms: +clock.msPerStep.toFixed(1),
    peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    tensors_flat: clock.tensorsFlat,
    pytorch_cpu_train_samples_per_s: anchor?.train_samples_per_s,
    pytorch_cpu_peak_rss_mib: anchor?.peak_rss_mib,
    ratio: anchor ? +(samplesPerS / anchor.train_samples_per_s).toFixed(3) : undefined,
  });
  console.log(JSON.stringify(results.at(-1)));
  trainer.dispose();
  if (process.argv.includes('--profile')) {
    const once = new Trainer({
      model,
      collator: tokenizerCollator(tokenizer, { maxLength: SEQ }),
      args: { batchSize: BATCH, maxSteps: 1, learningRate: 2e-5, outputDir: mkdtempSync(join(tmpdir(), 'tl-bench-')), shuffle: false },
    });
    const profile = await tf.profile(() => once.fit(examples.slice(0, BATCH)));
    once.dispose();
    const byKernel = new Map();
    for (const k of profile.kernels) {
      const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      e.calls += 1;
      byKernel.set(k.name, e);
    }
    const top = [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
    console.log(JSON.stringify({ shape, profile_kernel_calls: profile.kernels.length, top: top.map(([n, e]) => `${n} ${e.ms.toFixed(1)}ms/${e.calls}`) }));
  }
  model.dispose();
}
