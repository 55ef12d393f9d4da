import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TlError } from '../../errors/tl-error.js';
import { isJsonObject, jsonTypeName, parseJsonObject } from '../json/parse-json.js';
import type { RawTensor } from '../safetensors/dtype.js';
import { readSafetensorsFile } from '../safetensors/read-file.js';
import { isUnsupportedWeightFile, SAFE_WEIGHTS_FILE, SAFE_WEIGHTS_INDEX_FILE } from './file-names.js';
import { fileExists } from '../fs/file-exists.js';

/**
 * Loads the weights of a checkpoint folder: `model.safetensors`, else the shards listed by
 * `model.safetensors.index.json` (the order transformers checks them in). Folders holding only
 * pickled or TF/Flax weights are refused with the conversion to run.
 */
export async function readCheckpointWeights(dir: string): Promise<Map<string, RawTensor>> {
  const single = join(dir, SAFE_WEIGHTS_FILE);
  if (await fileExists(single)) return (await readSafetensorsFile(single)).tensors;

  const index = join(dir, SAFE_WEIGHTS_INDEX_FILE);
  if (await fileExists(index)) return readShardedWeights(dir, index);

  const unsupported = (await readdir(dir)).filter(isUnsupportedWeightFile).sort();
  if (unsupported.length > 0) {
    throw new TlError(
      'CHECKPOINT',
      `${dir}: found only ${unsupported.join(', ')}, and tl reads weights from safetensors only ` +
        `(pickled .bin/.pt files can run arbitrary code when loaded). Convert once in Python: load the model ` +
        `with its transformers class and call model.save_pretrained("${dir}", safe_serialization=True)`,
    );
  }
  throw new TlError('CHECKPOINT', `${dir}: no ${SAFE_WEIGHTS_FILE} or ${SAFE_WEIGHTS_INDEX_FILE} in the folder`);
}

async function readShardedWeights(dir: string, indexPath: string): Promise<Map<string, RawTensor>> {
  const weightMap = parseWeightMap(await readFile(indexPath, 'utf8'), indexPath);
  const shards = [...new Set(weightMap.values())].sort();
  const weights = new Map<string, RawTensor>();
  const shardOf = new Map<string, string>();
  for (const shard of shards) {
    const { tensors } = await readSafetensorsFile(join(dir, shard));
    for (const [name, tensor] of tensors) {
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

/** A bare `*.safetensors` file name: no directory part, so an index cannot point outside its folder. */
function isPlainShardName(name: string): boolean {
  return /^[^/\\]+\.safetensors$/.test(name) && !name.startsWith('.');
}
