import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextTokenizer } from '../../src/tokenization/text-tokenizer.js';
import { isTlError } from '../../src/errors/tl-error.js';
import { fixtureDir } from './hf-tiny.js';

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tl-tok-'));
}

describe('TextTokenizer.fromFolder', () => {
  it('exposes BERT special ids, vocabulary size and model_max_length', async () => {
    const t = await TextTokenizer.fromFolder(fixtureDir('bert-cls'));
    expect(t.specialTokenIds).toEqual({ pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 });
    expect(t.specialTokens.mask).toBe('[MASK]');
    expect(t.vocabSize).toBe(600);
    expect(t.modelMaxLength).toBe(64);
    expect(t.paddingSide).toBe('right');
    expect([...t.allSpecialIds].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(t.tokenToId('[MASK]')).toBe(4);
    expect(t.idToToken(99)).toBe('the');
  });

  it('exposes RoBERTa bos/eos', async () => {
    const t = await TextTokenizer.fromFolder(fixtureDir('roberta-cls'));
    expect(t.specialTokenIds).toEqual({ bos: 0, cls: 0, pad: 1, eos: 2, sep: 2, unk: 3, mask: 4 });
    expect(t.modelInputNames).toEqual(['input_ids', 'attention_mask']);
  });

  it('decodes, optionally skipping special tokens', async () => {
    const bert = await TextTokenizer.fromFolder(fixtureDir('bert-cls'));
    const ids = bert.encode('Hello, World!').ids;
    expect(bert.decode(ids)).toBe('[CLS] hello, world! [SEP]');
    expect(bert.decode(ids, { skipSpecialTokens: true })).toBe('hello, world!');
    const roberta = await TextTokenizer.fromFolder(fixtureDir('roberta-cls'));
    expect(roberta.decode(roberta.encode('Naïve café').ids, { skipSpecialTokens: true })).toBe('Naïve café');
  });

  it('encodes without special tokens on request', async () => {
    const bert = await TextTokenizer.fromFolder(fixtureDir('bert-cls'));
    expect(bert.encode('a', 'the', { addSpecialTokens: false })).toEqual({ ids: [34, 99], tokens: ['a', 'the'], typeIds: [0, 1] });
    expect(bert.encode('a [MASK] the').tokens).toEqual(['[CLS]', 'a', '[MASK]', 'the', '[SEP]']);
  });

  it('reports a folder without tokenizer.json', async () => {
    const dir = tempDir();
    await expect(TextTokenizer.fromFolder(dir)).rejects.toThrow(`${dir}: no tokenizer.json`);
    await TextTokenizer.fromFolder(dir).catch((e: unknown) => expect(isTlError(e) && e.code).toBe('TOKENIZER'));
  });

  it('names the malformed file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tokenizer.json'), '{"model": ');
    await expect(TextTokenizer.fromFolder(dir)).rejects.toThrow(new RegExp(`^${join(dir, 'tokenizer.json')}: invalid JSON at line 1`));
    // Found by scripts/faults/fuzz-cli.mjs: V8's message quoted the text around the fault, newline included.
    writeFileSync(join(dir, 'tokenizer.json'), '{"model": x\n}');
    const error = await TextTokenizer.fromFolder(dir).catch((e: unknown) => e as Error);
    expect(error.message).toBe(`${join(dir, 'tokenizer.json')}: invalid JSON at line 1, column 11 (position 10): invalid symbol`);

    const dir2 = tempDir();
    copyFileSync(join(fixtureDir('bert-cls'), 'tokenizer.json'), join(dir2, 'tokenizer.json'));
    writeFileSync(join(dir2, 'tokenizer_config.json'), '[oops');
    await expect(TextTokenizer.fromFolder(dir2)).rejects.toThrow(`${join(dir2, 'tokenizer_config.json')}: invalid JSON at line 1`);
  });

  it('refuses a token id that is not an integer in [0, 2^24) before the library walks up to it (found by the CLI fuzzer)', async () => {
    const json = JSON.parse(readFileSync(join(fixtureDir('bert-cls'), 'tokenizer.json'), 'utf8'));
    json.model.vocab.but = 3e9; // loading spun for minutes: the library's vocabulary is an array indexed by id
    expect(() => TextTokenizer.fromObjects(json, {}, { tokenizerSource: 't.json' })).toThrow(
      `t.json: model.vocab["but"] is 3000000000; token ids are integers from 0 to ${2 ** 24 - 1}`,
    );
    json.model.vocab.but = 1.5;
    expect(() => TextTokenizer.fromObjects(json)).toThrow('model.vocab["but"] is 1.5');
    json.model.vocab.but = 375;
    json.added_tokens[0].id = -1;
    expect(() => TextTokenizer.fromObjects(json)).toThrow('added_tokens[0].id is -1');
  });

  it('loads without tokenizer_config.json (no special roles, HF defaults)', async () => {
    const dir = tempDir();
    copyFileSync(join(fixtureDir('bert-cls'), 'tokenizer.json'), join(dir, 'tokenizer.json'));
    const t = await TextTokenizer.fromFolder(dir);
    expect(t.specialTokenIds).toEqual({});
    expect(t.modelMaxLength).toBeUndefined();
    expect(t.encode('the').ids).toEqual([2, 99, 3]); // the post-processor still adds [CLS]/[SEP]
  });
});

describe('TextTokenizer.fromObjects validation', () => {
  const json = readJson(join(fixtureDir('bert-cls'), 'tokenizer.json'));
  const config = readJson(join(fixtureDir('bert-cls'), 'tokenizer_config.json'));

  it('rejects a special token the vocabulary lacks, naming the config', () => {
    expect(() => TextTokenizer.fromObjects(json, { ...config, mask_token: '<nope>' }, { configSource: 'm/tokenizer_config.json' })).toThrow(
      'm/tokenizer_config.json: mask_token "<nope>" is not in the vocabulary of tokenizer.json',
    );
  });

  it('accepts AddedToken-dict special tokens of older configs', () => {
    const t = TextTokenizer.fromObjects(json, { ...config, mask_token: { __type: 'AddedToken', content: '[MASK]' } });
    expect(t.specialTokenIds.mask).toBe(4);
  });

  it('treats HF\'s no-limit sentinel as no model_max_length', () => {
    expect(TextTokenizer.fromObjects(json, { ...config, model_max_length: 1e30 }).modelMaxLength).toBeUndefined();
  });

  it('rejects non-tokenizer JSON and bad config fields', () => {
    expect(() => TextTokenizer.fromObjects([], config)).toThrow('tokenizer.json: expected a JSON object');
    expect(() => TextTokenizer.fromObjects({ version: '1.0' }, config)).toThrow(/tokenizer.json: no "model" section/);
    expect(() => TextTokenizer.fromObjects(json, { ...config, padding_side: 'middle' })).toThrow(/^tokenizer_config.json: padding_side: /);
    expect(() => TextTokenizer.fromObjects({ ...json, model: { type: 'NoSuchModel' } }, config)).toThrow(/^tokenizer.json: cannot build the tokenizer: /);
  });
});
