import { readFile } from 'node:fs/promises';
import { TlError } from '../../errors/tl-error.js';
import type { SafetensorsFile } from './dtype.js';
import { parseSafetensors } from './parse.js';

/**
 * Reads and parses a safetensors file. The whole file is read into one buffer, which the returned
 * tensors view; Node cannot read a single file above 2 GiB that way, so larger checkpoints must be
 * sharded (transformers does so by default with `max_shard_size`).
 */
export async function readSafetensorsFile(path: string): Promise<SafetensorsFile> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_FS_FILE_TOO_LARGE') {
      throw new TlError(
        'SAFETENSORS',
        `${path}: file is larger than Node can read into one buffer (2 GiB); save it sharded ` +
          `(save_pretrained(..., max_shard_size="1GB")) and load the folder`,
        { cause: e },
      );
    }
    throw new TlError('SAFETENSORS', `${path}: cannot read (${code ?? (e as Error).message})`, { cause: e });
  }
  return parseSafetensors(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), path);
}
