import { folderUrl } from '../io/http/fetch-file.js';
import type { ModelSpec } from '../models/build-model.js';
import { loadModelFromUrl } from '../models/fetch-model.js';
import { TextTokenizer } from '../tokenization/text-tokenizer.js';
import type { Pretrained } from './from-pretrained.js';

export interface FromUrlOptions extends ModelSpec {
  /** Passed to every `fetch` (headers, credentials, an AbortSignal). */
  readonly fetchInit?: RequestInit;
}

/** A checkpoint loaded over HTTP: as `Pretrained`, with the folder's URL instead of a local path. */
export interface PretrainedFromUrl extends Omit<Pretrained, 'dir'> {
  readonly url: string;
}

/**
 * `fromPretrained` for a folder served over HTTP: config.json, model.safetensors (or its shards) and
 * tokenizer.json (+ tokenizer_config.json when served) fetched from `url`, a relative URL resolving
 * against the page. Call after `createEngine` so the weights land on the chosen backend.
 *
 *     const engine = await createEngine({ backend: 'webgpu' });
 *     const { model, tokenizer } = await fromUrl('./models/bert-cls/', { dropout: 0 });
 */
export async function fromUrl(url: string | URL, options: FromUrlOptions = {}): Promise<PretrainedFromUrl> {
  const base = folderUrl(url, 'CHECKPOINT');
  const { fetchInit, ...spec } = options;
  const tokenizer = await TextTokenizer.fromUrl(base, fetchInit);
  const { model, report } = await loadModelFromUrl(base, spec, fetchInit);
  return { model, tokenizer, report, url: base.href };
}
