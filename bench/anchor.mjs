import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHAPES } from './shapes.mjs';

/** The project's own PyTorch anchor (HF BERT's computation in plain PyTorch), beside this file. */
const ANCHOR = join(dirname(fileURLToPath(import.meta.url)), 'torch_anchor.py');

/**
 * Runs the PyTorch CPU anchor for one of bench/shapes.mjs's shapes in this benchmark's process tree,
 * so ratios compare runs on the same machine at the same time. Returns its JSON line
 * (`train_samples_per_s`, `infer_samples_per_s`, `peak_rss_mib`, ...), or undefined (and says why on
 * stderr) when PyTorch is not installed.
 */
export function runTorchAnchor(shape, steps = 5, batch = 32) {
  const d = SHAPES[shape];
  if (!d) throw new Error(`anchor: unknown shape ${shape} (${Object.keys(SHAPES).join(', ')})`);
  const dims = [d.num_hidden_layers, d.hidden_size, d.num_attention_heads, d.intermediate_size];
  try {
    const out = execFileSync('/usr/bin/python3', [ANCHOR, ...dims.map(String), String(steps), String(batch)], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    console.error(`anchor: PyTorch anchor failed (${e.message.split('\n')[0]}); install python3-torch libopenblas0-pthread`);
    return undefined;
  }
}
