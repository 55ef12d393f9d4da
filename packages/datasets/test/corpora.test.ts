import { describe, expect, it } from 'vitest';
import { brownDocumentSplits, buildPretrainingCorpus, decodeDictdNumber, entryProse, readBrownCorpus, readGcide, readNlpCorpus, splitOf, WordNet } from '@tl/datasets';

describe('nlp-corpus (npm)', () => {
  it('reads ~100k sentences, ~1.55M words, with stable ids', async () => {
    const sentences = await readNlpCorpus();
    expect(sentences.length).toBeGreaterThan(99_000);
    const words = sentences.reduce((n, s) => n + s.text.split(/\s+/).length, 0);
    expect(words).toBeGreaterThan(1_400_000);
    expect(sentences[0]!.id).toBe('doc-0:0');
    expect(sentences[0]!.text).toMatch(/^Creakiness and atmosphere/);
  }, 60_000);
});

describe('GCIDE (Debian dict-gcide)', () => {
  it('decodes dictd base-64 numbers', () => {
    expect(decodeDictdNumber('A', 'i')).toBe(0);
    expect(decodeDictdNumber('BA', 'i')).toBe(64);
    expect(decodeDictdNumber('Kj', 'i')).toBe(10 * 64 + 35);
    expect(() => decodeDictdNumber('*', 'gcide.index:3')).toThrow('gcide.index:3');
  });

  it('strips the markup and keeps the prose; WordNet-sourced blocks are dropped unless asked for', () => {
    const entry = [
      'Dichotomize \\Di*chot"o*mize\\, v. t. [imp. & p. p.',
      '   {Dichotomized}; p. pr. & vb. n. {Dichotomizing}.] [See',
      '   {Dichotomous}.]',
      '   1. To cut into two parts; to bisect. [R.]',
      '      [1913 Webster]',
      '',
      '            The apostolical benediction dichotomizes all good',
      '            things into grace and peace.          --Bp. Hall.',
      '      [1913 Webster]',
      '   n 1: a gloss that WordNet wrote',
      '      [WordNet 1.5]',
    ].join('\n');
    expect(entryProse(entry)).toEqual(['To cut into two parts; to bisect.', 'The apostolical benediction dichotomizes all good things into grace and peace.']);
    expect(entryProse(entry, true)).toHaveLength(3);
  });

  it('reads the installed dictionary: >100k entries of prose, no markup left', async () => {
    const entries = await readGcide();
    expect(entries.length).toBeGreaterThan(100_000);
    const words = entries.reduce((n, e) => n + e.paragraphs.join(' ').split(/\s+/).length, 0);
    expect(words).toBeGreaterThan(3_000_000);
    const dichotomy = entries.find((e) => e.headword === 'Dichotomy');
    expect(dichotomy?.paragraphs[0]).toBe('A cutting in two; a division.');
    const sample = entries.slice(0, 5000).flatMap((e) => e.paragraphs).join('\n');
    expect(sample).not.toMatch(/\[1913 Webster\]|\[WordNet|\\[A-Za-z]+\*|\{[A-Za-z]/);
  }, 120_000);
});

describe('the pretraining corpus', () => {
  it('keeps WordNet and Brown evaluation text out, deduplicates, and holds out documents', async () => {
    const corpus = await buildPretrainingCorpus({ sources: ['brown', 'wordnet', 'brown'], heldoutFraction: 0.01 });
    const docs = [...corpus.train, ...corpus.heldout];
    const brown = await readBrownCorpus();
    const splits = brownDocumentSplits(brown);
    const brownIds = new Set(docs.filter((d) => d.source === 'brown').map((d) => d.id));
    expect(brownIds.size).toBe(brown.filter((d) => splits.get(d.id) === 'train').length);
    for (const id of brownIds) expect(splits.get(id)).toBe('train');
    const wordnet = await WordNet.load();
    const wordnetDocs = docs.filter((d) => d.source === 'wordnet');
    for (const d of wordnetDocs) expect(splitOf(d.id), d.id).toBe('train');
    expect(wordnetDocs.length + corpus.stats.wordnet.duplicates).toBe(wordnet.synsets.filter((s) => s.definition.length > 0 && splitOf(s.id) === 'train').length);
    expect(corpus.stats.wordnet.excluded).toBeGreaterThan(20_000);
    // Brown listed twice: the second pass is all duplicates.
    expect(corpus.stats.brown.duplicates).toBe(corpus.stats.brown.documents);
    expect(corpus.heldout.length).toBeGreaterThan(0);
    const trainKeys = new Set(corpus.train.map((d) => `${d.source}:${d.id}`));
    for (const d of corpus.heldout) expect(trainKeys.has(`${d.source}:${d.id}`)).toBe(false);
  }, 120_000);
});
