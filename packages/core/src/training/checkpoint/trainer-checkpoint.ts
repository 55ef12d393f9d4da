import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { BatchSamplerState } from '../../data/batching/batch-sampler.js';
import { TlError } from '../../errors/tl-error.js';
import { SAFE_WEIGHTS_FILE } from '../../io/checkpoint/file-names.js';
import { writeCheckpointFolder } from '../../io/checkpoint/write-checkpoint.js';
import type { RawTensor } from '../../io/safetensors/dtype.js';
import { encodeSafetensors, type SafetensorsEntry } from '../../io/safetensors/encode.js';
import { readSafetensorsFile } from '../../io/safetensors/read-file.js';
import type { Model } from '../../model/model.js';
import type { ParameterGroup } from '../../transfer/transfer-strategy.js';
import type { AdamWStateDict } from '../optim/adamw.js';
import type { LrSchedulerState } from '../schedule/lr-scheduler.js';

// Files in Node; browser bundles get trainer-checkpoint.browser.ts in this module's place.
export { restoreParameters, toTensors } from './checkpoint-tensors.js';

export const TRAINER_STATE_FILE = 'trainer_state.json';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const TRAINING_ARGS_FILE = 'training_args.json';
const FORMAT = 'tl-trainer-state';
const VERSION = 1;

/** Everything besides tensors that a resume needs, as stored in trainer_state.json. */
export interface TrainerStateFile {
  readonly format: typeof FORMAT;
  readonly version: typeof VERSION;
  readonly globalStep: number;
  readonly epoch: number;
  readonly maxSteps: number;
  readonly lastLoss?: number;
  readonly bestMetric?: number;
  readonly bestStep?: number;
  /** Sum of step losses so far (for the run's mean train_loss). */
  readonly lossSum: number;
  readonly dataOrder: BatchSamplerState;
  readonly scheduler: LrSchedulerState;
  readonly optimizer: { readonly betas: readonly [number, number]; readonly eps: number; readonly steps: Readonly<Record<string, number>> };
  readonly parameterGroups: readonly ParameterGroup[];
  readonly callbacks: Readonly<Record<string, Record<string, unknown>>>;
}

export interface SaveTrainerCheckpointOptions {
  readonly model: Model;
  readonly optimizer: AdamWStateDict;
  readonly state: Omit<TrainerStateFile, 'format' | 'version' | 'optimizer'>;
  readonly args: unknown;
  readonly tokenizerJson?: unknown;
  readonly tokenizerConfig?: unknown;
}

/**
 * Writes a checkpoint folder atomically: every file goes into a sibling `<dir>.tmp-<pid>-<random>`
 * (each file itself written and fsynced by writeCheckpointFolder), and only a complete folder is
 * renamed to `dir`. A process killed midway leaves a `.tmp-*` folder, which `findLatestCheckpoint`
 * ignores and the next save removes; `dir` either does not exist or is whole.
 *
 * Layout: the HF folder (config.json, model.safetensors, tokenizer files when given) so a checkpoint
 * is also a loadable model, plus optimizer.safetensors (AdamW moments), trainer_state.json (step,
 * epoch, data order, scheduler, groups, callback states) and training_args.json.
 */
export async function saveTrainerCheckpoint(dir: string, o: SaveTrainerCheckpointOptions): Promise<string> {
  const weights: SafetensorsEntry[] = [];
  for (const [name, v] of o.model.parameters.entries()) weights.push(await entry(name, v));
  const moments: SafetensorsEntry[] = [];
  for (const [name, t] of o.optimizer.tensors) moments.push(await entry(name, t));
  const state: TrainerStateFile = {
    format: FORMAT,
    version: VERSION,
    ...o.state,
    optimizer: { betas: o.optimizer.betas, eps: o.optimizer.eps, steps: o.optimizer.steps },
  };

  await removeStaleTemporaries(dirname(dir), basename(dir));
  const temp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeCheckpointFolder(temp, {
      config: { ...o.model.config },
      tensors: weights,
      tokenizerJson: o.tokenizerJson,
      tokenizerConfig: o.tokenizerConfig,
      extraFiles: {
        [OPTIMIZER_FILE]: encodeSafetensors(moments, { format: 'tl-adamw' }),
        [TRAINING_ARGS_FILE]: `${JSON.stringify(o.args, null, 2)}\n`,
        // Written last: a folder with trainer_state.json has everything else (and rename makes it all-or-nothing anyway).
        [TRAINER_STATE_FILE]: `${JSON.stringify(state, null, 2)}\n`,
      },
    });
    await replaceDirectory(temp, dir);
  } catch (e) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  return dir;
}

export interface LoadedTrainerCheckpoint {
  readonly dir: string;
  readonly weights: Map<string, RawTensor>;
  readonly optimizerTensors: Map<string, RawTensor>;
  readonly state: TrainerStateFile;
}

/** Reads a checkpoint folder written by `saveTrainerCheckpoint`, checking its format. */
export async function readTrainerCheckpoint(dir: string): Promise<LoadedTrainerCheckpoint> {
  const statePath = join(dir, TRAINER_STATE_FILE);
  let text: string;
  try {
    text = await readFile(statePath, 'utf8');
  } catch (e) {
    throw new TlError('CHECKPOINT', `${statePath}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)}); not a tl training checkpoint`, { cause: e });
  }
  let state: TrainerStateFile;
  try {
    state = JSON.parse(text) as TrainerStateFile;
  } catch (e) {
    throw new TlError('CHECKPOINT', `${statePath}: malformed JSON (${(e as Error).message})`);
  }
  if (state?.format !== FORMAT || state.version !== VERSION) {
    throw new TlError('CHECKPOINT', `${statePath}: not a ${FORMAT} v${VERSION} file (format ${JSON.stringify(state?.format)}, version ${JSON.stringify(state?.version)})`);
  }
  const weights = (await readSafetensorsFile(join(dir, SAFE_WEIGHTS_FILE))).tensors;
  const optimizerTensors = (await readSafetensorsFile(join(dir, OPTIMIZER_FILE))).tensors;
  return { dir, weights, optimizerTensors, state };
}

const CHECKPOINT_DIR = /^checkpoint-(\d+)$/;

/** Complete checkpoints (`checkpoint-N` with a trainer_state.json) in `outputDir`, oldest first. */
export async function listCheckpoints(outputDir: string): Promise<{ dir: string; step: number }[]> {
  let names: string[];
  try {
    names = await readdir(outputDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const found: { dir: string; step: number }[] = [];
  for (const name of names) {
    const m = CHECKPOINT_DIR.exec(name);
    if (!m) continue;
    const dir = join(outputDir, name);
    if (await isFile(join(dir, TRAINER_STATE_FILE))) found.push({ dir, step: Number(m[1]) });
  }
  return found.sort((a, b) => a.step - b.step);
}

/** The newest complete checkpoint in `outputDir`, or undefined. Interrupted saves (`.tmp-*`) are ignored. */
export async function findLatestCheckpoint(outputDir: string): Promise<string | undefined> {
  return (await listCheckpoints(outputDir)).at(-1)?.dir;
}

/**
 * Deletes a checkpoint so that a crash midway cannot leave a `checkpoint-N` that looks complete but
 * lacks files: the folder is renamed out of the `checkpoint-N` namespace first, then removed.
 */
export async function deleteCheckpoint(dir: string): Promise<void> {
  const aside = `${dir}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
  await rename(dir, aside);
  await rm(aside, { recursive: true, force: true });
}

async function entry(name: string, t: tf.Tensor): Promise<SafetensorsEntry> {
  if (t.dtype !== 'float32') throw new TlError('CHECKPOINT', `tensor ${name} has dtype ${t.dtype}; checkpoints store float32`);
  return { name, dtype: 'F32', shape: t.shape, data: (await t.data()) as Float32Array };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Leftovers of saves that died (`<name>.tmp-*`, `<name>.old-*`) are garbage: nothing points at them. */
async function removeStaleTemporaries(parent: string, name: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.startsWith(`${name}.tmp-`) || e.startsWith(`${name}.old-`)) await rm(join(parent, e), { recursive: true, force: true });
  }
}

/**
 * Renames a finished temp folder to `dir`. rename(2) cannot replace a non-empty directory, so an
 * existing `dir` (a re-save of the same step) is first moved aside and removed afterwards.
 */
async function replaceDirectory(temp: string, dir: string): Promise<void> {
  let aside: string | undefined;
  try {
    await rename(temp, dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw e;
    aside = `${dir}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
    await rename(dir, aside);
    await rename(temp, dir);
  }
  await fsyncDirectory(dirname(dir));
  if (aside) await rm(aside, { recursive: true, force: true });
}

async function fsyncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Not every platform can fsync a directory; the rename has happened, durability is best effort there.
  } finally {
    await handle?.close();
  }
}
