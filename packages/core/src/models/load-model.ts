import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TlError } from '../errors/tl-error.js';
import { readCheckpointWeights } from '../io/checkpoint/read-weights.js';
import { parseJsonObject } from '../io/json/parse-json.js';
import { buildModel, type ModelSpec } from './build-model.js';
import type { EncoderModel } from './encoder-model.js';
import { loadWeights, type LoadReport } from './load-weights.js';

export interface LoadedModel {
  readonly model: EncoderModel;
  readonly report: LoadReport;
}

/** Reads and validates `<dir>/config.json`. */
export async function readModelConfig(dir: string): Promise<Record<string, unknown>> {
  const path = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : `unreadable (${code ?? (e as Error).message})`;
    throw new TlError('CHECKPOINT', `${path}: ${why}; a model folder needs config.json and model.safetensors`, { cause: e });
  }
  return parseJsonObject(text, path, 'CONFIG');
}

/**
 * Loads an HF model folder (config.json + model.safetensors or its shards) into a model with the
 * requested head. Parameters the checkpoint lacks keep their seeded initial values and are listed in
 * the report, as HF's "newly initialized" warning does.
 */
export async function loadModel(dir: string, spec: ModelSpec = {}): Promise<LoadedModel> {
  const config = await readModelConfig(dir);
  const model = buildModel(config, spec, join(dir, 'config.json'));
  try {
    const weights = await readCheckpointWeights(dir);
    const report = loadWeights(model, weights, dir, { ignoreMismatchedSizes: spec.ignoreMismatchedSizes });
    return { model, report };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
