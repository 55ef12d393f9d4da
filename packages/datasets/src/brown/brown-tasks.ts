import type { Example } from '@tl/core';
import type { SplitFractions, SplitName } from '../splits/hash-split.js';
import { mixedHash } from '../splits/stratified-split.js';
import type { TaskSplits } from '../tasks/task-splits.js';
import { brownText, readBrownCorpus, type BrownDocument } from './brown-corpus.js';

/** A passage with its label and the document it came from. */
export interface BrownExample extends Example {
  /** File id of the source document (`ca01`). */
  readonly document: string;
}

/** 80 / 10 / 10 of the documents of each genre. */
export const BROWN_DOCUMENT_SPLIT: SplitFractions = { train: 0.8, validation: 0.1, test: 0.1 };

/**
 * The split of each document: per genre, documents ordered by a hash of their id and cut at the
 * fractions, with at least one test and one validation document per genre (science fiction has 6
 * documents, humor 9: a plain rounding would leave them out of test). Tasks and the pretraining
 * corpus both split by this, so no test document is ever pretrained on.
 */
export function brownDocumentSplits(docs: readonly BrownDocument[], fractions: SplitFractions = BROWN_DOCUMENT_SPLIT): Map<string, SplitName> {
  const byGenre = new Map<string, BrownDocument[]>();
  for (const d of docs) byGenre.set(d.genre, [...(byGenre.get(d.genre) ?? []), d]);
  const out = new Map<string, SplitName>();
  for (const list of byGenre.values()) {
    list.sort((a, b) => mixedHash(a.id) - mixedHash(b.id) || (a.id < b.id ? -1 : 1));
    const least = (f: number) => (f > 0 && list.length >= 3 ? Math.max(1, Math.round(list.length * f)) : Math.round(list.length * f));
    const nTrain = list.length - least(fractions.test) - least(fractions.validation);
    const nValidation = least(fractions.validation);
    list.forEach((d, i) => out.set(d.id, i < nTrain ? 'train' : i < nTrain + nValidation ? 'validation' : 'test'));
  }
  return out;
}

export interface BrownGenreTaskOptions {
  /** Already read documents (default: `readBrownCorpus()`). */
  readonly documents?: readonly BrownDocument[];
  /** Paragraphs shorter than this many whitespace words are merged with the next one (default 40). */
  readonly minWords?: number;
  /** Passages are cut after the sentence that reaches this many words (default 120). */
  readonly maxWords?: number;
  readonly fractions?: SplitFractions;
}

/**
 * Passage → genre of the Brown Corpus (15 classes: news, editorial, ..., humor). Passages are
 * consecutive paragraphs of one document, merged until they reach `minWords` words and cut at
 * sentence ends past `maxWords`. Split by document: all passages of a test document are in test.
 */
export async function brownGenreTask(o: BrownGenreTaskOptions = {}): Promise<TaskSplits<BrownExample>> {
  const docs = o.documents ?? (await readBrownCorpus());
  const minWords = o.minWords ?? 40;
  const maxWords = o.maxWords ?? 120;
  const labels = [...new Set(docs.map((d) => d.genre))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const splitOfDoc = brownDocumentSplits(docs, o.fractions);
  const splits: Record<SplitName, BrownExample[]> = { train: [], validation: [], test: [] };
  for (const doc of docs) {
    const label = labelIndex.get(doc.genre)!;
    for (const text of passages(doc, minWords, maxWords)) splits[splitOfDoc.get(doc.id)!].push({ text, label, document: doc.id });
  }
  return { name: 'brown-genre', labels, ...splits };
}

function passages(doc: BrownDocument, minWords: number, maxWords: number): string[] {
  const out: string[] = [];
  let sentences: BrownDocument['paragraphs'][number][number][] = [];
  let words = 0;
  const flush = () => {
    if (sentences.length > 0) out.push(brownText(sentences));
    sentences = [];
    words = 0;
  };
  for (const paragraph of doc.paragraphs) {
    for (const s of paragraph) {
      sentences.push(s);
      words += s.length;
      if (words >= maxWords) flush();
    }
    if (words >= minWords) flush();
  }
  if (words >= minWords / 2) flush();
  return out;
}
