import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TlError } from '@tl/core';

/** A sentence of nlp-corpus, with a stable id `doc-<file>:<index>`. */
export interface NlpCorpusSentence {
  readonly id: string;
  readonly text: string;
}

/**
 * The folder of the `nlp-corpus` npm package's JSON files. The package exports only its entry
 * (`src/server/index.js`), so the folder is found from there.
 */
export function nlpCorpusPath(): string {
  return join(dirname(createRequire(import.meta.url).resolve('nlp-corpus')), '..', '..', 'builds');
}

/**
 * nlp-corpus (npm, MIT; Spencer Kelly): ~100 000 English sentences of mixed registers (reviews, news,
 * fiction, UN text) in 100 JSON files of string arrays, read in file order.
 */
export async function readNlpCorpus(dir: string = nlpCorpusPath()): Promise<NlpCorpusSentence[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => /^doc-\d+\.json$/.test(f));
  } catch (e) {
    throw new TlError('INPUT', `${dir}: cannot read: ${(e as Error).message}`, { cause: e });
  }
  files.sort((a, b) => Number(a.slice(4, -5)) - Number(b.slice(4, -5)));
  if (files.length === 0) throw new TlError('INPUT', `${dir}: no doc-N.json files`);
  const out: NlpCorpusSentence[] = [];
  for (const file of files) {
    const path = join(dir, file);
    let list: unknown;
    try {
      list = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw new TlError('INPUT', `${path}: ${(e as Error).message}`, { cause: e });
    }
    if (!Array.isArray(list)) throw new TlError('INPUT', `${path}: expected a JSON array of sentences`);
    list.forEach((text, i) => {
      if (typeof text !== 'string') throw new TlError('INPUT', `${path}: item ${i} is not a string`);
      const t = text.trim();
      if (t.length > 0) out.push({ id: `${file.slice(0, -5)}:${i}`, text: t });
    });
  }
  return out;
}
