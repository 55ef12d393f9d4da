import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TlError, type TlErrorCode } from '../../errors/tl-error.js';
import { parseJsonObject } from '../json/parse-json.js';
import type { RawTensor } from '../safetensors/dtype.js';
import { CONFIG_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from './file-names.js';
import { readCheckpointWeights } from './read-weights.js';

/** A Hugging Face checkpoint folder, read and validated. */
export interface CheckpointFolder {
  readonly dir: string;
  /** config.json. */
  readonly config: Record<string, unknown>;
  /** Every tensor of the weight file(s) by state-dict name; bytes are views into the file buffers. */
  readonly weights: Map<string, RawTensor>;
  /** tokenizer.json, when present. */
  readonly tokenizerJson?: Record<string, unknown>;
  /** tokenizer_config.json, when present. */
  readonly tokenizerConfig?: Record<string, unknown>;
}

export interface ReadCheckpointOptions {
  /** Fail with a TOKENIZER error when tokenizer.json is missing (default false). */
  readonly requireTokenizer?: boolean;
}

/**
 * Reads a checkpoint folder as written by `save_pretrained`: config.json, model.safetensors (or the
 * sharded index and its shards), and the tokenizer files when present. Small files are read first so
 * a broken config fails before megabytes of weights are read.
 */
export async function readCheckpointFolder(dir: string, options: ReadCheckpointOptions = {}): Promise<CheckpointFolder> {
  await assertFolder(dir);

  const config = await readJsonObjectFile(join(dir, CONFIG_FILE), 'CONFIG');
  if (config === undefined) {
    throw new TlError('CONFIG', `${join(dir, CONFIG_FILE)}: missing; a checkpoint folder needs config.json (as save_pretrained writes it)`);
  }

  const tokenizerPath = join(dir, TOKENIZER_FILE);
  const tokenizerJson = await readJsonObjectFile(tokenizerPath, 'TOKENIZER');
  if (tokenizerJson === undefined && options.requireTokenizer === true) {
    throw new TlError(
      'TOKENIZER',
      `${tokenizerPath}: missing; tl needs the fast-tokenizer file (in Python: ` +
        `AutoTokenizer.from_pretrained(..., use_fast=True).save_pretrained("${dir}"))`,
    );
  }
  const tokenizerConfig = await readJsonObjectFile(join(dir, TOKENIZER_CONFIG_FILE), 'TOKENIZER');

  const weights = await readCheckpointWeights(dir);
  return {
    dir,
    config,
    weights,
    ...(tokenizerJson !== undefined && { tokenizerJson }),
    ...(tokenizerConfig !== undefined && { tokenizerConfig }),
  };
}

async function assertFolder(dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (e) {
    throw new TlError('CHECKPOINT', `${dir}: no such checkpoint folder`, { cause: e });
  }
  if (!isDirectory) throw new TlError('CHECKPOINT', `${dir}: is a file, expected a checkpoint folder`);
}

/** The file's JSON object, or undefined when the file does not exist. */
async function readJsonObjectFile(path: string, code: TlErrorCode): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TlError(code, `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  return parseJsonObject(text, path, code);
}
