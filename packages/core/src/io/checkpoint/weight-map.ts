import { TlError } from '../../errors/tl-error.js';
import { isJsonObject, jsonTypeName, parseJsonObject } from '../json/parse-json.js';
import type { RawTensor } from '../safetensors/dtype.js';

/**
 * Sharded checkpoints (`model.safetensors.index.json` + shards), independent of where the files come
 * from: read-weights.ts reads them from a folder, fetch-weights.ts over HTTP.
 */

/** The index's `weight_map` (tensor name → shard file), with shard names confined to the folder. */
export function parseWeightMap(text: string, indexPath: string): Map<string, string> {
  const index = parseJsonObject(text, indexPath, 'CHECKPOINT');
  const weightMap = index['weight_map'];
  if (!isJsonObject(weightMap)) {
    throw new TlError('CHECKPOINT', `${indexPath}: "weight_map" is ${jsonTypeName(weightMap)}, expected an object`);
  }
  const result = new Map<string, string>();
  for (const [name, shard] of Object.entries(weightMap)) {
    if (typeof shard !== 'string' || !isPlainShardName(shard)) {
      throw new TlError(
        'CHECKPOINT',
        `${indexPath}: tensor "${name}" maps to ${JSON.stringify(shard)}, not a .safetensors file name in the folder`,
      );
    }
    result.set(name, shard);
  }
  return result;
}

/**
 * Reads every shard the index names (in sorted order, one at a time) and merges their tensors,
 * checking that no tensor is stored twice and that each lies in the shard the index says.
 */
export async function readShards(
  indexPath: string,
  weightMap: ReadonlyMap<string, string>,
  readShard: (shard: string) => Promise<ReadonlyMap<string, RawTensor>>,
): Promise<Map<string, RawTensor>> {
  const shards = [...new Set(weightMap.values())].sort();
  const weights = new Map<string, RawTensor>();
  const shardOf = new Map<string, string>();
  for (const shard of shards) {
    for (const [name, tensor] of await readShard(shard)) {
      const other = shardOf.get(name);
      if (other !== undefined) {
        throw new TlError('CHECKPOINT', `${indexPath}: tensor "${name}" is stored in both ${other} and ${shard}`);
      }
      shardOf.set(name, shard);
      weights.set(name, tensor);
    }
  }
  for (const [name, shard] of weightMap) {
    if (shardOf.get(name) !== shard) {
      throw new TlError(
        'CHECKPOINT',
        `${indexPath}: weight_map puts tensor "${name}" in ${shard}, which does not contain it`,
      );
    }
  }
  return weights;
}

/** A bare `*.safetensors` file name: no directory part, so an index cannot point outside its folder. */
function isPlainShardName(name: string): boolean {
  return /^[^/\\]+\.safetensors$/.test(name) && !name.startsWith('.');
}
