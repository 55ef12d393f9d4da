import { describe, expect, it } from 'vitest';
import { learnSubwords } from '../../../src/tokenization/training/learn-subwords.js';
import { BERT_SPECIAL_TOKENS, trainWordPieceTokenizer } from '../../../src/tokenization/training/train-wordpiece.js';
import { TextTokenizer } from '../../../src/tokenization/text-tokenizer.js';

describe('learnSubwords (WordPiece training by BPE merges)', () => {
  it('starts from the alphabet and merges the most frequent pair first', () => {
    const tokens = learnSubwords(new Map([['hug', 10], ['pug', 5], ['pun', 12], ['bun', 4], ['hugs', 5]]), { size: 14, minFrequency: 1 });
    // alphabet: initials b h p, continuations ##g ##n ##s ##u
    expect(tokens.slice(0, 7)).toEqual(['b', 'h', 'p', '##g', '##n', '##s', '##u']);
    // ##u ##g occurs 10+5+5 = 20 times; ##u ##n 12+4 = 16; h ##u 15: ##ug comes first.
    expect(tokens[7]).toBe('##ug');
    expect(tokens).toContain('hug');
    expect(tokens.length).toBe(14);
  });

  it('stops when no pair reaches minFrequency', () => {
    const tokens = learnSubwords(new Map([['ab', 1], ['cd', 1]]), { size: 100, minFrequency: 2 });
    expect(tokens).toEqual(['a', 'c', '##b', '##d']);
  });

  it('is deterministic', () => {
    const counts = new Map(Array.from({ length: 300 }, (_, i) => [`w${(i * 7919) % 1000}x${i % 13}`, 1 + (i % 5)] as [string, number]));
    expect(learnSubwords(counts, { size: 120 })).toEqual(learnSubwords(new Map([...counts].reverse()), { size: 120 }));
  });
});

describe('trainWordPieceTokenizer', () => {
  const corpus = Array.from({ length: 200 }, (_, i) =>
    ['The licensor grants you a worldwide, royalty-free license.', 'Permission is hereby granted, free of charge.', 'Redistribution and use in source and binary forms are permitted.'][i % 3]! + ` Section ${i % 17}.`,
  );

  it('writes tokenizer files that tl reads: BERT special tokens, [CLS] … [SEP], frequent words whole', () => {
    const files = trainWordPieceTokenizer(corpus, { vocabSize: 120, modelMaxLength: 64 });
    const tokenizer = TextTokenizer.fromObjects(files.tokenizerJson, files.tokenizerConfig);
    expect(tokenizer.vocabSize).toBeLessThanOrEqual(120);
    BERT_SPECIAL_TOKENS.forEach((t, i) => expect(tokenizer.tokenToId(t)).toBe(i));
    expect(tokenizer.specialTokenIds).toMatchObject({ pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 });
    const enc = tokenizer.encode('Permission is hereby granted.');
    expect(enc.tokens[0]).toBe('[CLS]');
    expect(enc.tokens.at(-1)).toBe('[SEP]');
    expect(enc.tokens).toContain('permission');
    expect(enc.tokens).not.toContain('[UNK]');
    expect(tokenizer.modelMaxLength).toBe(64);
    // Unseen words fall back to pieces of the alphabet rather than [UNK].
    expect(tokenizer.encode('Grantee').tokens.slice(1, -1).join(' ')).toMatch(/^grant/);
  });

  it('refuses a vocabulary too small for the special tokens, and an empty corpus', () => {
    expect(() => trainWordPieceTokenizer(corpus, { vocabSize: 5 })).toThrow(/vocab size/);
    expect(() => trainWordPieceTokenizer(['   '], { vocabSize: 50 })).toThrow(/no words/);
  });
});
