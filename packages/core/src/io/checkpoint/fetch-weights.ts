import { TlError } from '../../errors/tl-error.js';
import { fetchBytes, fetchBytesIfPresent, fetchTextIfPresent, folderUrl } from '../http/fetch-file.js';
import type { RawTensor } from '../safetensors/dtype.js';
import { parseSafetensors } from '../safetensors/parse.js';
import { SAFE_WEIGHTS_FILE, SAFE_WEIGHTS_INDEX_FILE } from './file-names.js';
import { parseWeightMap, readShards } from './weight-map.js';

/**
 * The weights of a checkpoint folder served over HTTP, checked as read-weights.ts checks a local
 * one: `model.safetensors`, else the shards `model.safetensors.index.json` lists (the order
 * transformers tries them in). Each file is downloaded whole and parsed with the same bounds checks
 * as a local file.
 */
export async function fetchCheckpointWeights(url: string | URL, init?: RequestInit): Promise<Map<string, RawTensor>> {
  const base = folderUrl(url, 'CHECKPOINT');
  const single = new URL(SAFE_WEIGHTS_FILE, base);
  const bytes = await fetchBytesIfPresent(single, 'CHECKPOINT', init);
  if (bytes !== undefined) return parseSafetensors(bytes, single.href).tensors;

  const index = new URL(SAFE_WEIGHTS_INDEX_FILE, base);
  const indexText = await fetchTextIfPresent(index, 'CHECKPOINT', init);
  if (indexText === undefined) {
    // A URL cannot be listed, so unlike a local folder there is no telling which other files it holds.
    throw new TlError('CHECKPOINT', `${base.href}: neither ${SAFE_WEIGHTS_FILE} nor ${SAFE_WEIGHTS_INDEX_FILE} is served there (tl reads safetensors weights only)`);
  }
  const weightMap = parseWeightMap(indexText, index.href);
  return readShards(index.href, weightMap, async (shard) => {
    const shardUrl = new URL(shard, base);
    const what = `${index.href} lists it in its weight_map`;
    return parseSafetensors(await fetchBytes(shardUrl, 'CHECKPOINT', what, init), shardUrl.href).tensors;
  });
}
