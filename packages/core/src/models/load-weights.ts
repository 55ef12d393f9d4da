import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../errors/tl-error.js';
import type { RawTensor } from '../io/safetensors/dtype.js';
import { toFloat32 } from '../io/safetensors/convert.js';
import type { EncoderModel } from './encoder-model.js';

/** What loading a checkpoint into a model did, in HF's terms. */
export interface LoadReport {
  /** Model parameters the checkpoint lacked: left at their initial values (e.g. a new task head). */
  readonly missing: string[];
  /** Checkpoint tensors the model has no place for (e.g. a pretraining head when fine-tuning). */
  readonly unexpected: string[];
  /** Tied aliases satisfied through their owner (e.g. the MLM decoder through the word embeddings). */
  readonly tiedFromOwner: string[];
  /** Tensors whose shape differed and were left initialised (only with `ignoreMismatchedSizes`). */
  readonly mismatched: { name: string; checkpoint: number[]; model: number[] }[];
}

export interface LoadWeightsOptions {
  /**
   * HF `ignore_mismatched_sizes`: a tensor whose shape differs from the model's (a classifier with
   * another number of labels) is skipped and reported instead of failing the load.
   */
  readonly ignoreMismatchedSizes?: boolean;
}

/** Non-parameter buffers older HF checkpoints carry; never reported as unexpected. */
const IGNORED_BUFFERS = /(^|\.)(position_ids|token_type_ids)$/;

/** Old TF-era names HF still renames on load. */
function modernName(name: string): string {
  return name.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
}

/**
 * Maps a checkpoint name to the model's naming: HF task models keep the encoder under a base
 * prefix (`bert.`), bare encoders do not; either kind of checkpoint loads into either kind of model.
 */
function toModelName(name: string, model: EncoderModel): string | undefined {
  const prefix = model.family.basePrefix;
  const n = modernName(name);
  if (model.parameters.has(n)) return n;
  if (model.basePrefix === '' && n.startsWith(`${prefix}.`)) return n.slice(prefix.length + 1);
  if (model.basePrefix !== '' && model.parameters.has(`${prefix}.${n}`)) return `${prefix}.${n}`;
  return undefined;
}

/**
 * Copies checkpoint tensors into the model's parameters (converting F16/BF16/F64 to float32),
 * checking every shape against the config, and reports what was missing or unexpected.
 */
export function loadWeights(
  model: EncoderModel,
  weights: ReadonlyMap<string, RawTensor>,
  source: string,
  options: LoadWeightsOptions = {},
): LoadReport {
  const store = model.parameters;
  const loaded = new Set<string>();
  const unexpected: string[] = [];
  const aliasValues = new Map<string, RawTensor>();
  const mismatched: LoadReport['mismatched'] = [];
  for (const [name, raw] of weights) {
    const target = toModelName(name, model);
    if (target === undefined) {
      if (!IGNORED_BUFFERS.test(name)) unexpected.push(name);
      continue;
    }
    const owner = store.tiedAliases().get(target);
    if (owner !== undefined) {
      aliasValues.set(owner, raw);
      continue;
    }
    const expected = store.get(target).shape;
    if (options.ignoreMismatchedSizes && !tf.util.arraysEqual(expected, [...raw.shape])) {
      mismatched.push({ name: target, checkpoint: [...raw.shape], model: [...expected] });
      continue;
    }
    assignRaw(model, target, raw, source);
    loaded.add(target);
  }
  const tiedFromOwner: string[] = [];
  for (const [alias, owner] of store.tiedAliases()) {
    const fallback = aliasValues.get(owner);
    if (!loaded.has(owner) && fallback) {
      // Only the alias was stored (some exporters keep the decoder copy): it is the owner's value.
      assignRaw(model, owner, fallback, source);
      loaded.add(owner);
    }
    if (loaded.has(owner)) tiedFromOwner.push(alias);
  }
  const missing = store.names().filter((n) => !loaded.has(n));
  return { missing, unexpected, tiedFromOwner, mismatched };
}

function assignRaw(model: EncoderModel, name: string, raw: RawTensor, source: string): void {
  const expected = model.parameters.get(name).shape;
  if (!tf.util.arraysEqual(expected, [...raw.shape])) {
    throw new TlError(
      'CHECKPOINT',
      `${source}: tensor ${raw.name} has shape [${raw.shape.join(', ')}] but config.json implies [${expected.join(', ')}]`,
    );
  }
  let values: Float32Array;
  try {
    values = toFloat32(raw);
  } catch (e) {
    throw new TlError('CHECKPOINT', `${source}: tensor ${raw.name}: ${(e as Error).message}`, { cause: e });
  }
  const t = tf.tensor(values, expected, 'float32');
  model.parameters.assign(name, t);
  t.dispose();
}
