import { fetchCheckpointWeights } from '../io/checkpoint/fetch-weights.js';
import { CONFIG_FILE } from '../io/checkpoint/file-names.js';
import { fetchRequired, folderUrl } from '../io/http/fetch-file.js';
import { parseJsonObject } from '../io/json/parse-json.js';
import { buildModel, type ModelSpec } from './build-model.js';
import type { LoadedModel } from './load-model.js';
import { loadWeights } from './load-weights.js';

/**
 * An HF model folder served over HTTP (a page's own server, a CDN, the Hub's `resolve/main/` URLs):
 * what a browser has instead of `loadModel(dir)`. The same code builds the model and loads the
 * weights; only the bytes come from `fetch`. Works in Node too.
 */

/** Fetches and validates `<url>/config.json`. */
export async function fetchModelConfig(url: string | URL, init?: RequestInit): Promise<Record<string, unknown>> {
  const configUrl = new URL(CONFIG_FILE, folderUrl(url, 'CHECKPOINT'));
  const response = await fetchRequired(configUrl, 'CHECKPOINT', `a model folder needs ${CONFIG_FILE} and model.safetensors`, init);
  return parseJsonObject(await response.text(), configUrl.href, 'CONFIG');
}

/**
 * Loads the model folder at `url` (config.json + model.safetensors or its shards) with the requested
 * head; parameters the checkpoint lacks keep their seeded initial values and are listed in the report.
 */
export async function loadModelFromUrl(url: string | URL, spec: ModelSpec = {}, init?: RequestInit): Promise<LoadedModel> {
  const base = folderUrl(url, 'CHECKPOINT');
  const [config, weights] = await Promise.all([fetchModelConfig(base, init), fetchCheckpointWeights(base, init)]);
  const model = buildModel(config, spec, new URL(CONFIG_FILE, base).href);
  try {
    const report = loadWeights(model, weights, base.href, { ignoreMismatchedSizes: spec.ignoreMismatchedSizes });
    return { model, report };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
