import { mkdir, readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../io/fs/atomic-write.js';
import { join } from 'node:path';
import { fileExists } from '../io/fs/file-exists.js';
import { writeCheckpointFolder } from '../io/checkpoint/write-checkpoint.js';
import { toFloat16Bits } from '../io/safetensors/convert.js';
import type { SafetensorsEntry } from '../io/safetensors/encode.js';
import type { Model } from '../model/model.js';

/** Tokenizer side files HF `save_pretrained` writes; copied verbatim so the tokenizer round-trips exactly. */
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'vocab.json', 'merges.txt'];

export interface SaveOptions {
  /** A folder whose tokenizer files are copied beside the weights (usually the one the model came from). */
  readonly tokenizerFrom?: string;
  /** Extra config.json keys (e.g. an updated label map). */
  readonly configOverrides?: Readonly<Record<string, unknown>>;
  /**
   * `float16` stores the weights as F16 (half the bytes; what a shipped model wants), rounded to
   * nearest even as torch's `.half()`; loading converts them back to float32. Default `float32`.
   */
  readonly dtype?: 'float32' | 'float16';
}

/**
 * The model's weights as safetensors entries: float32, HF names, tied aliases stored once (as HF does).
 * Parametrised weights are written as the model computes with them (a LoRA adapter merged in) and
 * the parametrisations' own parameters are left out, so the folder is a plain HF checkpoint.
 */
export async function modelTensors(model: Model): Promise<SafetensorsEntry[]> {
  const store = model.parameters;
  const entries: SafetensorsEntry[] = [];
  for (const [name, variable] of store.entries()) {
    if (store.isAuxiliary(name)) continue;
    if (store.parametrization(name)) {
      const effective = tf.tidy(() => store.value(name));
      try {
        entries.push({ name, dtype: 'F32', shape: [...effective.shape], data: (await effective.data()) as Float32Array });
      } finally {
        effective.dispose();
      }
      continue;
    }
    entries.push({ name, dtype: 'F32', shape: [...variable.shape], data: (await variable.data()) as Float32Array });
  }
  return entries;
}

/**
 * Writes an HF model folder (config.json, model.safetensors, tokenizer files) that transformers'
 * `from_pretrained` and tl's `fromPretrained` load back bit-identically. Every file is written atomically.
 */
export async function savePretrained(dir: string, model: Model, options: SaveOptions = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const dtype = options.dtype ?? 'float32';
  const config = { ...model.config, dtype, ...options.configOverrides };
  let tensors = await modelTensors(model);
  if (dtype === 'float16') tensors = tensors.map((t) => ({ ...t, dtype: 'F16', data: toFloat16Bits(t.data as Float32Array) }));
  await writeCheckpointFolder(dir, { config, tensors });
  if (options.tokenizerFrom && options.tokenizerFrom !== dir) {
    for (const file of TOKENIZER_FILES) {
      const from = join(options.tokenizerFrom, file);
      if (await fileExists(from)) await writeFileAtomic(join(dir, file), await readFile(from));
    }
  }
}
