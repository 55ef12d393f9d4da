import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createEngine } from '../../../src/engine/create-engine.js';
import { TextTokenizer } from '../../../src/tokenization/text-tokenizer.js';
import { disposeBatch } from '../../../src/data/collate/collator.js';
import { MaskedLmCollator } from '../../../src/data/collate/masked-lm/masked-lm-collator.js';
import { choosePositions, IGNORE_INDEX, maskSequence } from '../../../src/data/collate/masked-lm/mask-tokens.js';
import { wordBoundaryOf, wordIds } from '../../../src/data/collate/masked-lm/word-boundaries.js';
import { SeededRandom } from '../../../src/data/random/seeded-random.js';
import { fixtureDir } from '../../tokenization/hf-tiny.js';
import { readFileSync } from 'node:fs';
import { fromPretrained } from '../../../src/pretrained/from-pretrained.js';

let tokenizer: TextTokenizer;
beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
  tokenizer = await TextTokenizer.fromFolder(fixtureDir('bert-mlm'));
});

const TEXTS = [
  'Permission is hereby granted, free of charge, to any person obtaining a copy of this software.',
  'The quick brown fox jumps over the lazy dog; the licensor grants you a license.',
  'Copyright (C) 2007 Free Software Foundation, Inc. Everyone is permitted to copy and distribute.',
];

function collated(collator: MaskedLmCollator, texts: readonly string[], context?: { step: number; microBatch: number }) {
  const batch = collator.collate(texts.map((text) => ({ text, label: 0 })), context);
  const ids = batch.inputs.inputIds.arraySync() as number[][];
  let labels: number[][];
  if (batch.inputs.predictPositions) {
    // Training batches label the masked positions only: spread them back over [batch, seq].
    const seq = ids[0]!.length;
    labels = ids.map((row) => row.map(() => IGNORE_INDEX));
    const values = batch.labels.arraySync() as number[];
    (batch.inputs.predictPositions.arraySync() as number[]).forEach((p, i) => (labels[Math.floor(p / seq)]![p % seq] = values[i]!));
  } else {
    labels = batch.labels.arraySync() as number[][];
  }
  const out = { ids, mask: batch.inputs.attentionMask.arraySync() as number[][], labels };
  disposeBatch(batch);
  return out;
}

describe('masking statistics (BERT 80/10/10 at 15%)', () => {
  it('chooses ~15% of the non-special tokens, never a special one; replaces 80% with [MASK], 10% random, 10% kept', () => {
    const n = 4000;
    const special = Array.from({ length: 50 }, (_, i) => i === 0 || i === 49);
    const ids = Array.from({ length: 50 }, (_, i) => 100 + i);
    const options = { mlmProbability: 0.15, maskReplaceProbability: 0.8, randomReplaceProbability: 0.1, maskTokenId: 4, randomTokenIds: [7, 8, 9] };
    let chosen = 0;
    let masked = 0;
    let random = 0;
    let kept = 0;
    let violations = 0; // checked in bulk: an expect() per token would dominate the run time
    const rng = new SeededRandom(1);
    for (let r = 0; r < n; r++) {
      const c = choosePositions(special, undefined, 0.15, rng);
      if (c[0] || c[49]) violations += 1;
      const m = maskSequence(ids, c, options, rng);
      m.labels.forEach((label, i) => {
        if (label === IGNORE_INDEX) {
          if (m.inputIds[i] !== ids[i]) violations += 1;
          return;
        }
        chosen += 1;
        if (label !== ids[i]) violations += 1;
        if (m.inputIds[i] === 4) masked += 1;
        else if (m.inputIds[i] === ids[i]) kept += 1;
        else if ([7, 8, 9].includes(m.inputIds[i]!)) random += 1;
        else violations += 1;
      });
    }
    expect(violations).toBe(0);
    const p = chosen / (n * 48);
    expect(Math.abs(p - 0.15)).toBeLessThan(0.005);
    expect(Math.abs(masked / chosen - 0.8)).toBeLessThan(0.01);
    expect(Math.abs(random / chosen - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(kept / chosen - 0.1)).toBeLessThan(0.01);
  });

  it('whole-word masking takes words whole, never more than round(15%) tokens, at least one', () => {
    //            [CLS] un ##be ##liev ##able news ##paper ok [SEP]
    const tokens = ['[CLS]', 'un', '##be', '##liev', '##able', 'news', '##paper', 'ok', 'fine', 'good', 'day', '[SEP]'];
    const special = tokens.map((t) => t.startsWith('['));
    const words = wordIds(tokens, special, { kind: 'continuation-prefix', prefix: '##' });
    expect(words).toEqual([-1, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, -1]);
    const rng = new SeededRandom(3);
    for (let r = 0; r < 200; r++) {
      const c = choosePositions(special, words, 0.3, rng); // budget round(10 × 0.3) = 3 tokens
      const count = c.filter(Boolean).length;
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(3);
      for (const group of [[1, 2, 3, 4], [5, 6]]) {
        const hits = group.filter((i) => c[i]).length;
        expect(hits === 0 || hits === group.length).toBe(true);
      }
      expect(c[0] || c[11]).toBe(false);
    }
  });

  it('word boundaries: WordPiece by continuation prefix, byte-level BPE by Ġ', () => {
    expect(wordBoundaryOf(JSON.parse(readFileSync(`${fixtureDir('bert-mlm')}/tokenizer.json`, 'utf8')))).toEqual({ kind: 'continuation-prefix', prefix: '##' });
    const roberta = wordBoundaryOf(JSON.parse(readFileSync(`${fixtureDir('roberta-cls')}/tokenizer.json`, 'utf8')));
    expect(roberta).toEqual({ kind: 'word-start-prefix', prefix: 'Ġ' });
    expect(wordIds(['<s>', 'The', 'Ġqu', 'ick', 'Ġfox', '</s>'], [true, false, false, false, false, true], roberta)).toEqual([-1, 0, 1, 1, 2, -1]);
  });
});

describe('MaskedLmCollator', () => {
  it('pads per batch; labels are -100 on padding, special tokens and unchosen positions; inputs keep specials', () => {
    const collator = new MaskedLmCollator(tokenizer, { seed: 7 });
    const { ids, mask, labels } = collated(collator, TEXTS, { step: 1, microBatch: 0 });
    const special = tokenizer.allSpecialIds;
    let predicted = 0;
    ids.forEach((row, r) => {
      const original = tokenizer.encode(TEXTS[r]!).ids;
      row.forEach((id, i) => {
        if (i >= original.length) {
          expect(mask[r]![i]).toBe(0);
          expect(id).toBe(tokenizer.specialTokenIds.pad);
          expect(labels[r]![i]).toBe(IGNORE_INDEX);
          return;
        }
        expect(mask[r]![i]).toBe(1);
        if (special.has(original[i]!)) {
          expect(id).toBe(original[i]);
          expect(labels[r]![i]).toBe(IGNORE_INDEX);
        } else if (labels[r]![i] !== IGNORE_INDEX) {
          expect(labels[r]![i]).toBe(original[i]);
          predicted += 1;
        } else {
          expect(id).toBe(original[i]);
        }
      });
    });
    expect(predicted).toBeGreaterThan(0);
  });

  it('is a pure function of (seed, step, micro-batch): replays exactly, differs between steps and seeds', () => {
    const a = new MaskedLmCollator(tokenizer, { seed: 7 });
    const b = new MaskedLmCollator(tokenizer, { seed: 7 });
    const step3 = collated(a, TEXTS, { step: 3, microBatch: 0 });
    collated(b, TEXTS, { step: 1, microBatch: 0 }); // a fresh collator that has seen other steps
    expect(collated(b, TEXTS, { step: 3, microBatch: 0 })).toEqual(step3);
    expect(collated(a, TEXTS, { step: 4, microBatch: 0 }).labels).not.toEqual(step3.labels);
    expect(collated(a, TEXTS, { step: 3, microBatch: 1 }).labels).not.toEqual(step3.labels);
    expect(collated(new MaskedLmCollator(tokenizer, { seed: 8 }), TEXTS, { step: 3, microBatch: 0 }).labels).not.toEqual(step3.labels);
  });

  it('evaluation batches (no context) mask each text the same way wherever it sits in a batch', () => {
    const collator = new MaskedLmCollator(tokenizer, { seed: 7 });
    const alone = collated(collator, [TEXTS[1]!]);
    const inBatch = collated(collator, [TEXTS[0]!, TEXTS[1]!]);
    const n = alone.labels[0]!.length;
    expect(inBatch.labels[1]!.slice(0, n)).toEqual(alone.labels[0]);
    expect(inBatch.ids[1]!.slice(0, n)).toEqual(alone.ids[0]);
  });

  it('training batches project only the masked positions: the same loss as labelling every position', async () => {
    const { model } = await fromPretrained(fixtureDir('bert-mlm'));
    const examples = TEXTS.map((text) => ({ text, label: 0 }));
    const compact = new MaskedLmCollator(tokenizer, { seed: 5 }).collate(examples, { step: 2, microBatch: 0 });
    const full = new MaskedLmCollator(tokenizer, { seed: 5, predictOnlyMasked: false }).collate(examples, { step: 2, microBatch: 0 });
    expect(compact.inputs.predictPositions).toBeDefined();
    expect(full.inputs.predictPositions).toBeUndefined();
    expect(compact.inputs.inputIds.arraySync()).toEqual(full.inputs.inputIds.arraySync());
    const loss = (b: typeof compact) => tf.tidy(() => model.loss(model.forward(b.inputs), b.labels).dataSync()[0]!);
    const [a, b] = [loss(compact), loss(full)];
    expect(compact.labels.shape[0]).toBe(compact.inputs.predictPositions!.shape[0]);
    expect(Math.abs(a - b)).toBeLessThan(1e-5);
    expect(a).toBeGreaterThan(0);
    disposeBatch(compact);
    disposeBatch(full);
    model.dispose();
  });

  it('leaves no tensors behind', () => {
    const collator = new MaskedLmCollator(tokenizer, { seed: 1, wholeWord: { kind: 'continuation-prefix', prefix: '##' } });
    const before = tf.memory().numTensors;
    collated(collator, TEXTS, { step: 1, microBatch: 0 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
