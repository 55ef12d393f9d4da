import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TlError } from '../../errors/tl-error.js';
import type { RawTensor } from '../safetensors/dtype.js';
import { readSafetensorsFile } from '../safetensors/read-file.js';
import { isUnsupportedWeightFile, SAFE_WEIGHTS_FILE, SAFE_WEIGHTS_INDEX_FILE } from './file-names.js';
import { fileExists } from '../fs/file-exists.js';
import { parseWeightMap, readShards } from './weight-map.js';

export { parseWeightMap };

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
  return readShards(indexPath, weightMap, async (shard) => (await readSafetensorsFile(join(dir, shard))).tensors);
}
