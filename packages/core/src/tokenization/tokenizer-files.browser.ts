import { fetchTokenizerFiles, type TokenizerFileTexts } from './fetch-tokenizer-files.js';
import type * as NodeFiles from './tokenizer-files.js';

/**
 * How `TextTokenizer.fromFolder` reads a folder in a browser, where this file replaces
 * tokenizer-files.ts (package.json "browser" field): the folder is a URL, relative to the page.
 */
export async function readTokenizerFiles(dir: string): Promise<TokenizerFileTexts> {
  return fetchTokenizerFiles(dir);
}

// A compile-time check that this file can stand in for tokenizer-files.ts (type-only import: erased).
void ({ readTokenizerFiles } satisfies typeof NodeFiles);
