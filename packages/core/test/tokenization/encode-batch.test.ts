import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { TextTokenizer } from '../../src/tokenization/text-tokenizer.js';
import { fixtureDir } from './hf-tiny.js';

const CLS = 2, SEP = 3, PAD = 0, THE = 99, A = 34; // bert-cls ids (see its tokenizer probes)
const words = (w: string, n: number): string => Array<string>(n).fill(w).join(' ');
const rep = (id: number, n: number): number[] => Array<number>(n).fill(id);

function bertWith(configOverrides: Record<string, unknown>): TextTokenizer {
  const dir = fixtureDir('bert-cls');
  const json = JSON.parse(readFileSync(`${dir}/tokenizer.json`, 'utf8')) as unknown;
  const config = JSON.parse(readFileSync(`${dir}/tokenizer_config.json`, 'utf8')) as Record<string, unknown>;
  return TextTokenizer.fromObjects(json, { ...config, ...configOverrides });
}

let bert: TextTokenizer;
let roberta: TextTokenizer;
beforeAll(async () => {
  bert = await TextTokenizer.fromFolder(fixtureDir('bert-cls'));
  roberta = await TextTokenizer.fromFolder(fixtureDir('roberta-cls'));
});

describe('encodeBatch truncation (longest_first, hand-computed from the HF algorithm)', () => {
  it('splits an odd budget with the extra token on the longer first segment', () => {
    // 10 + 7 tokens into 12 - 3 specials = 9: the shorter (7) exceeds 9 - 7, so split 5 (longer) / 4.
    const { inputIds, tokenTypeIds, attentionMask } = bert.encodeBatch([{ text: words('the', 10), textPair: words('a', 7) }], { maxLength: 12 });
    expect(inputIds).toEqual([[CLS, ...rep(THE, 5), SEP, ...rep(A, 4), SEP]]);
    expect(tokenTypeIds).toEqual([[...rep(0, 7), ...rep(1, 5)]]);
    expect(attentionMask).toEqual([rep(1, 12)]);
  });

  it('keeps a short first segment whole and cuts only the second', () => {
    const { inputIds } = bert.encodeBatch([{ text: words('the', 2), textPair: words('a', 20) }], { maxLength: 13 });
    expect(inputIds).toEqual([[CLS, THE, THE, SEP, ...rep(A, 8), SEP]]);
  });

  it('gives the extra token of an odd budget to the second segment on a tie', () => {
    const { inputIds } = bert.encodeBatch([{ text: words('the', 20), textPair: words('a', 20) }], { maxLength: 12 });
    expect(inputIds).toEqual([[CLS, ...rep(THE, 4), SEP, ...rep(A, 5), SEP]]);
  });

  it('truncates from the left when tokenizer_config says truncation_side left', () => {
    const left = bertWith({ truncation_side: 'left' });
    const text = 'a the the the'; // the leading "a" is what left truncation drops first
    expect(left.encodeBatch([{ text }], { maxLength: 5 }).inputIds).toEqual([[CLS, THE, THE, THE, SEP]]);
    expect(bert.encodeBatch([{ text }], { maxLength: 5 }).inputIds).toEqual([[CLS, A, THE, THE, SEP]]);
  });

  it('only_second takes everything from the pair', () => {
    const { inputIds } = bert.encodeBatch([{ text: words('the', 4), textPair: words('a', 10) }], { maxLength: 10, truncation: 'only_second' });
    expect(inputIds).toEqual([[CLS, ...rep(THE, 4), SEP, A, A, A, SEP]]);
  });

  it('fits exactly the special tokens when maxLength equals their count', () => {
    expect(bert.encodeBatch([{ text: 'the', textPair: 'a' }], { maxLength: 3 }).inputIds).toEqual([[CLS, SEP, SEP]]);
  });

  it('refuses a maxLength smaller than the special tokens, naming the input', () => {
    expect(() => bert.encodeBatch([{ text: 'the' }, { text: 'the', textPair: 'a' }], { maxLength: 2 })).toThrow(
      /^input 1: maxLength 2 is smaller than the 3 special tokens the tokenizer adds to a text pair$/,
    );
    expect(() => roberta.encodeBatch([{ text: 'x', textPair: 'y' }], { maxLength: 3 })).toThrow(/4 special tokens/);
  });

  it('defaults maxLength to model_max_length and does not truncate when told not to', () => {
    const long = [{ text: words('the', 100) }];
    expect(bert.encodeBatch(long).inputIds[0]).toHaveLength(64);
    expect(bert.encodeBatch(long, { truncation: false }).inputIds[0]).toHaveLength(102);
  });
});

describe('encodeBatch special tokens and type ids', () => {
  it('builds RoBERTa pairs as <s> A </s></s> B </s> with all-zero type ids', () => {
    const a = roberta.encode('Hello').ids;
    const b = roberta.encode('World').ids;
    const { inputIds, tokenTypeIds } = roberta.encodeBatch([{ text: 'Hello', textPair: 'World' }], { returnTokenTypeIds: true });
    expect(inputIds).toEqual([[0, ...a.slice(1, -1), 2, 2, ...b.slice(1, -1), 2]]);
    expect(tokenTypeIds).toEqual([rep(0, inputIds[0]!.length)]);
    expect(roberta.encode('Hello', 'World').tokens).toEqual(['<s>', 'H', 'e', 'll', 'o', '</s>', '</s>', 'W', 'or', 'ld', '</s>']);
  });

  it('omits token type ids for RoBERTa (model_input_names) unless asked', () => {
    expect(roberta.encodeBatch([{ text: 'x' }]).tokenTypeIds).toBeUndefined();
    expect(bert.encodeBatch([{ text: 'x' }], { returnTokenTypeIds: false }).tokenTypeIds).toBeUndefined();
  });
});

describe('encodeBatch padding', () => {
  const inputs = [{ text: 'the' }, { text: 'the the the' }];

  it('pads to the longest row on the right with the pad id by default', () => {
    const { inputIds, attentionMask, tokenTypeIds } = bert.encodeBatch(inputs);
    expect(inputIds).toEqual([[CLS, THE, SEP, PAD, PAD], [CLS, THE, THE, THE, SEP]]);
    expect(attentionMask).toEqual([[1, 1, 1, 0, 0], rep(1, 5)]);
    expect(tokenTypeIds).toEqual([rep(0, 5), rep(0, 5)]);
  });

  it('uses RoBERTa\'s pad id', () => {
    expect(roberta.encodeBatch([{ text: 'a' }, { text: 'a a' }]).inputIds[0]!.at(-1)).toBe(roberta.specialTokenIds.pad);
    expect(roberta.specialTokenIds.pad).toBe(1);
  });

  it('pads on the left when padding_side is left', () => {
    const { inputIds, attentionMask } = bertWith({ padding_side: 'left' }).encodeBatch(inputs);
    expect(inputIds[0]).toEqual([PAD, PAD, CLS, THE, SEP]);
    expect(attentionMask[0]).toEqual([0, 0, 1, 1, 1]);
  });

  it('pads to maxLength, to a multiple, or not at all', () => {
    expect(bert.encodeBatch(inputs, { padding: 'max_length', maxLength: 8 }).inputIds.map((r) => r.length)).toEqual([8, 8]);
    expect(bert.encodeBatch(inputs, { padToMultipleOf: 4 }).inputIds.map((r) => r.length)).toEqual([8, 8]);
    expect(bert.encodeBatch(inputs, { padding: false }).inputIds.map((r) => r.length)).toEqual([3, 5]);
    expect(() => bert.encodeBatch(inputs, { maxLength: 10, padToMultipleOf: 4 })).toThrow(/not a multiple of padToMultipleOf 4/);
  });

  it('refuses padding without a pad token', () => {
    const noPad = bertWith({ pad_token: null });
    expect(() => noPad.encodeBatch(inputs)).toThrow(/padding requested but the tokenizer has no pad token/);
    expect(noPad.encodeBatch(inputs, { padding: false }).inputIds).toHaveLength(2);
  });
});

describe('encodeBatch input checks', () => {
  it('names the offending input', () => {
    expect(() => bert.encodeBatch([{ text: 'ok' }, { text: 3 as unknown as string }])).toThrow(/^input 1: text must be a string, got number$/);
    expect(() => bert.encodeBatch([{ text: 'ok', textPair: [] as unknown as string }])).toThrow(/^input 0: textPair must be a string, got an array$/);
    expect(() => bert.encodeBatch([{ text: 'ok' }], { maxLength: 0 })).toThrow(/maxLength must be a positive integer/);
  });

  it('returns empty arrays for an empty batch', () => {
    expect(bert.encodeBatch([])).toEqual({ inputIds: [], attentionMask: [], tokenTypeIds: [] });
  });
});
