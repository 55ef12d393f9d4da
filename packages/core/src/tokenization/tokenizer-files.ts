import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TlError } from '../errors/tl-error.js';
import type { TokenizerFileTexts } from './fetch-tokenizer-files.js';

/**
 * How `TextTokenizer.fromFolder` reads a folder in Node: from the file system. Browser bundles get
 * tokenizer-files.browser.ts instead (package.json "browser" field), which reads the folder as a URL.
 */
export async function readTokenizerFiles(dir: string): Promise<TokenizerFileTexts> {
  const tokenizerSource = join(dir, 'tokenizer.json');
  const configSource = join(dir, 'tokenizer_config.json');
  return {
    tokenizerSource,
    tokenizerText: await readIfExists(tokenizerSource),
    configSource,
    configText: await readIfExists(configSource),
  };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TlError('TOKENIZER', `${path}: cannot read: ${(e as Error).message}`, { cause: e });
  }
}
