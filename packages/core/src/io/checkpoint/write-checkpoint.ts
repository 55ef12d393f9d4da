import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TlError } from '../../errors/tl-error.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { encodeSafetensors, type SafetensorsEntry } from '../safetensors/encode.js';
import { CONFIG_FILE, SAFE_WEIGHTS_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from './file-names.js';

export interface WriteCheckpointOptions {
  /** config.json content. */
  readonly config: Record<string, unknown>;
  /** The weights, written to model.safetensors. */
  readonly tensors: readonly SafetensorsEntry[];
  /** Extra `__metadata__` entries for model.safetensors (`format: "pt"` is always set). */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly tokenizerJson?: unknown;
  readonly tokenizerConfig?: unknown;
  /** More files by bare name (e.g. special_tokens_map.json, vocab.txt, training_args.json). */
  readonly extraFiles?: Readonly<Record<string, string | Uint8Array>>;
}

/**
 * Writes a checkpoint folder that transformers' `from_pretrained` and tl's readCheckpointFolder both
 * load. The folder is created if needed; every file is written atomically, and config.json last, so
 * a folder whose config.json is new also has its new weights.
 */
export async function writeCheckpointFolder(dir: string, options: WriteCheckpointOptions): Promise<void> {
  const files = new Map<string, string | Uint8Array>();
  for (const [name, content] of Object.entries(options.extraFiles ?? {})) {
    if (!/^[^/\\]+$/.test(name) || name === '.' || name === '..') {
      throw new TlError('CHECKPOINT', `${dir}: extra file name ${JSON.stringify(name)} must be a bare file name`);
    }
    if ([CONFIG_FILE, SAFE_WEIGHTS_FILE, TOKENIZER_FILE, TOKENIZER_CONFIG_FILE].includes(name)) {
      throw new TlError('CHECKPOINT', `${dir}: extra file ${name} would overwrite a file the checkpoint writes itself`);
    }
    files.set(name, content);
  }
  if (options.tokenizerJson !== undefined) files.set(TOKENIZER_FILE, prettyJson(options.tokenizerJson));
  if (options.tokenizerConfig !== undefined) files.set(TOKENIZER_CONFIG_FILE, prettyJson(options.tokenizerConfig));

  // Encode before touching the disk: an invalid tensor must not leave a half-updated folder.
  const weights = encodeSafetensors(options.tensors, options.metadata);
  const config = prettyJson(options.config);

  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, SAFE_WEIGHTS_FILE), weights);
  for (const [name, content] of files) await writeFileAtomic(join(dir, name), content);
  await writeFileAtomic(join(dir, CONFIG_FILE), config);
}

/** JSON as transformers writes it: two-space indent and a final newline. */
function prettyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
