import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, SeededRandom, TextTokenizer, type Example } from '@tl/core';
import { WordNet } from '@tl/datasets';
import { AuxiliaryData, ContextualAugmentation, Eda, edaAugment, edaTokenize, topK, type EdaEdit } from '@tl/plugins';
import { FIXTURES, TRAIN, useCpu } from './support/tiny.js';

let wordnet: WordNet;
beforeAll(async () => {
  await useCpu();
  wordnet = await WordNet.load();
}, 120_000);

const SENTENCES = [
  'the quick brown fox jumps over the lazy dog',
  'a large house stood near the old river bank',
  'she quickly wrote a long letter to her friend',
  'the happy child ran across the green field',
];

describe('EDA', () => {
  it('is deterministic under a seed and differs across seeds', () => {
    const eda = new Eda({ copies: 4 });
    const examples = SENTENCES.map((text, i) => ({ text, label: i % 2 }));
    const a = eda.augment(examples, wordnet, 13);
    const b = eda.augment(examples, wordnet, 13);
    const c = eda.augment(examples, wordnet, 14);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toHaveLength(examples.length * 5);
    // Originals first, then their copies, labels kept.
    a.forEach((e, i) => expect(e.label).toBe(examples[Math.floor(i / 5)]!.label));
    expect(a.filter((_, i) => i % 5 === 0)).toEqual(examples);
    // Copies of example i do not depend on the other examples.
    expect(eda.augment(examples.slice(2), wordnet, 13)).toEqual(a.slice(10));
  });

  it('substitutes only WordNet synonyms from the word\'s own part of speech', () => {
    const edits: EdaEdit[] = [];
    for (let seed = 0; seed < 40; seed++) {
      const random = new SeededRandom(seed);
      for (const text of SENTENCES) {
        const r = edaAugment(text, { sr: 0.3, ri: 0, rs: 0, rd: 0 }, wordnet, random);
        expect(r.op).toBe('sr');
        const tokens = edaTokenize(text);
        // The output is the input with exactly the edited positions replaced.
        const expected = [...tokens];
        for (const e of r.edits) if (e.op === 'sr') expected[e.index] = e.to;
        expect(r.text).toBe(expected.join(' '));
        edits.push(...r.edits);
      }
    }
    expect(edits.length).toBeGreaterThan(100);
    for (const e of edits) {
      if (e.op !== 'sr') throw new Error('only synonym replacement was enabled');
      expect(e.pos).toBe(wordnet.dominantPos(e.from));
      // `to` shares a synset of that category with `from`.
      const shared = wordnet.synsetsOf(e.from, e.pos).some((s) => s.lemmas.includes(e.to.replaceAll(' ', '_').toLowerCase()));
      expect(shared, `${e.from} → ${e.to} (${e.pos})`).toBe(true);
    }
    // Stop words are never replaced; nouns become nouns (e.g. "dog" is a noun first).
    expect(edits.some((e) => e.op === 'sr' && ['the', 'a', 'over', 'her', 'to'].includes(e.from))).toBe(false);
    expect(edits.filter((e) => e.op === 'sr' && e.from === 'dog').every((e) => e.op === 'sr' && e.pos === 'n')).toBe(true);
  });

  it('applies insertion, swap and deletion at their rates', () => {
    const random = new SeededRandom(3);
    const text = SENTENCES[1]!;
    const words = edaTokenize(text);
    const ri = edaAugment(text, { sr: 0, ri: 0.25, rs: 0, rd: 0 }, wordnet, random);
    expect(ri.edits).toHaveLength(Math.round(0.25 * words.length));
    for (const e of ri.edits) if (e.op === 'ri') expect(wordnet.synonyms(e.seed, e.pos)).toContain(e.word);
    const rs = edaAugment(text, { sr: 0, ri: 0, rs: 0.25, rd: 0 }, wordnet, random);
    expect(edaTokenize(rs.text).sort()).toEqual([...words].sort());
    const rd = edaAugment(text, { sr: 0, ri: 0, rs: 0, rd: 0.5 }, wordnet, random);
    expect(edaTokenize(rd.text).length).toBe(words.length - rd.edits.length);
    expect(edaTokenize(edaAugment('word', { sr: 0, ri: 0, rs: 0, rd: 1 }, wordnet, random).text)).toEqual(['word']);
  });

  it('reads its options from a spec', () => {
    const eda = Eda.fromOptions({ n: '2', sr: '0.2', rd: '0' });
    expect([eda.copies, eda.rates]).toEqual([2, { sr: 0.2, ri: 0.1, rs: 0.1, rd: 0 }]);
    expect(() => Eda.fromOptions({ sr: '0', ri: '0', rs: '0', rd: '0' })).toThrow(/every operation rate is 0/);
    expect(() => Eda.fromOptions({ sr: '1.5' })).toThrow(/option "sr": expected a number >= 0 and <= 1, got "1.5"/);
  });
});

describe('ContextualAugmentation', () => {
  it("replaces tokens by the masked LM's own top-k predictions, deterministically", async () => {
    const dir = `${FIXTURES}bert-mlm`;
    const { model } = await loadModel(dir, { task: 'masked-lm' });
    const tokenizer = await TextTokenizer.fromFolder(dir);
    const augment = new ContextualAugmentation({ mlm: { model, tokenizer }, copies: 2, p: 0.3, topK: 5 });
    const texts = TRAIN.slice(0, 4).map((e) => e.text);
    const before = tf.memory().numTensors;
    const copies = augment.augment(texts, model, tokenizer, 11);
    expect(tf.memory().numTensors).toBe(before);
    expect(augment.augment(texts, model, tokenizer, 11)).toEqual(copies);
    expect(copies).toHaveLength(8);
    for (const copy of copies) {
      expect(copy.edits.length).toBeGreaterThan(0);
      // Recompute the model's prediction on the masked input: every replacement is in its top 5.
      const ids = tf.tensor2d([copy.maskedIds as number[]], [1, copy.maskedIds.length], 'int32');
      const out = model.forward({ inputIds: ids, attentionMask: tf.onesLike(ids) as tf.Tensor2D, tokenTypeIds: tf.zerosLike(ids) as tf.Tensor2D });
      const logits = out.logits!.dataSync() as Float32Array;
      const vocab = out.logits!.shape[2]!;
      tf.dispose([ids, out.logits!, out.embeddingOutput, out.lastHiddenState]);
      for (const e of copy.edits) {
        expect(copy.maskedIds[e.position]).toBe(tokenizer.specialTokenIds.mask);
        expect(e.to).not.toBe(e.from);
        const top = topK(logits.subarray(e.position * vocab, (e.position + 1) * vocab), 5, (id) => id !== e.from && !tokenizer.allSpecialIds.has(id));
        expect(top).toContain(e.to);
      }
    }
    model.dispose();
  });

  it('cuts texts longer than the model can position (64 here), keeping the closing [SEP]', async () => {
    const dir = `${FIXTURES}bert-mlm`;
    const { model } = await loadModel(dir, { task: 'masked-lm' });
    const tokenizer = await TextTokenizer.fromFolder(dir);
    const long = Array.from({ length: 40 }, () => 'copyright notice').join(' ');
    const [copy] = new ContextualAugmentation({ mlm: { model, tokenizer } }).augment([long], model, tokenizer, 1);
    expect(copy!.maskedIds).toHaveLength(64);
    expect(copy!.maskedIds[63]).toBe(tokenizer.specialTokenIds.sep);
    model.dispose();
  });

  it('enriches a training set through the Trainer hook, loading the model folder itself', async () => {
    const strategy = ContextualAugmentation.fromOptions({ model: `${FIXTURES}bert-mlm`, n: '1' });
    const { model } = await loadModel(`${FIXTURES}bert-cls`);
    const out = await strategy.transformDataset(TRAIN.slice(0, 3), { model, seed: 1 });
    expect(out).toHaveLength(6);
    expect(out.map((e) => e.label)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(out[1]!.text).not.toBe(out[0]!.text);
    model.dispose();
  });
});

describe('AuxiliaryData', () => {
  it('mixes round(ratio × n) auxiliary examples, seeded', async () => {
    const auxiliary: Example[] = Array.from({ length: 20 }, (_, i) => ({ text: `aux ${i}`, label: i % 3 }));
    const strategy = new AuxiliaryData({ examples: auxiliary, ratio: 0.5 });
    const { model } = await loadModel(`${FIXTURES}bert-cls`);
    const a = await strategy.transformDataset(TRAIN, { model, seed: 4 });
    const b = await strategy.transformDataset(TRAIN, { model, seed: 4 });
    const c = await strategy.transformDataset(TRAIN, { model, seed: 5 });
    expect(a).toHaveLength(TRAIN.length + 6);
    expect(a.slice(0, TRAIN.length)).toEqual(TRAIN);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a.slice(TRAIN.length).map((e) => e.text)).size).toBe(6); // without replacement
    const all = await new AuxiliaryData({ examples: auxiliary, ratio: 10 }).transformDataset(TRAIN, { model, seed: 4 });
    expect(all).toHaveLength(TRAIN.length + 20);
    model.dispose();
  });
});
