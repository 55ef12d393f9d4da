import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addedTokenCount, applyTemplate, templateFromPostProcessor } from '../../src/tokenization/special-tokens-template.js';
import { TextTokenizer } from '../../src/tokenization/text-tokenizer.js';
import { fixtureDir } from './hf-tiny.js';

const A = { ids: [10, 11], tokens: ['x', 'y'] };
const B = { ids: [20], tokens: ['z'] };

describe('templateFromPostProcessor', () => {
  it('reads BertProcessing', () => {
    const t = templateFromPostProcessor({ type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] }, 'f');
    expect(applyTemplate(t, A, B)).toEqual({
      ids: [2, 10, 11, 3, 20, 3],
      tokens: ['[CLS]', 'x', 'y', '[SEP]', 'z', '[SEP]'],
      typeIds: [0, 0, 0, 0, 1, 1],
    });
    expect(addedTokenCount(t, true)).toBe(3);
    expect(addedTokenCount(t, false)).toBe(2);
  });

  it('reads RobertaProcessing inside a Sequence next to ByteLevel', () => {
    const t = templateFromPostProcessor(
      { type: 'Sequence', processors: [{ type: 'ByteLevel', trim_offsets: true }, { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0] }] },
      'f',
    );
    expect(applyTemplate(t, A, B)).toEqual({ ids: [0, 10, 11, 2, 2, 20, 2], tokens: ['<s>', 'x', 'y', '</s>', '</s>', 'z', '</s>'], typeIds: [0, 0, 0, 0, 0, 0, 0] });
    expect(addedTokenCount(t, true)).toBe(4);
  });

  it('reads TemplateProcessing with multi-token specials and custom type ids', () => {
    const t = templateFromPostProcessor(
      {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: 'BOS', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
        pair: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: 'BOS', type_id: 1 } }, { Sequence: { id: 'B', type_id: 2 } }],
        special_tokens: { BOS: { id: 'BOS', ids: [7, 8], tokens: ['<a>', '<b>'] } },
      },
      'f',
    );
    expect(applyTemplate(t, A, undefined).ids).toEqual([7, 8, 10, 11]);
    expect(applyTemplate(t, A, B).typeIds).toEqual([0, 0, 1, 1, 2]);
    expect(applyTemplate(t, A, B, false)).toEqual({ ids: [10, 11, 20], tokens: ['x', 'y', 'z'], typeIds: [0, 0, 2] });
    expect(addedTokenCount(t, true)).toBe(2);
  });

  it('adds nothing without a post-processor or with ByteLevel alone', () => {
    for (const pp of [null, undefined, { type: 'ByteLevel' }]) {
      const t = templateFromPostProcessor(pp, 'f');
      expect(applyTemplate(t, A, B)).toEqual({ ids: [10, 11, 20], tokens: ['x', 'y', 'z'], typeIds: [0, 0, 1] });
      expect(addedTokenCount(t, true)).toBe(0);
    }
  });

  it('explains what it cannot read', () => {
    expect(() => templateFromPostProcessor({ type: 'Weird' }, 'm/tokenizer.json')).toThrow(/^m\/tokenizer.json: post_processor: unsupported type "Weird"/);
    expect(() => templateFromPostProcessor({ type: 'BertProcessing', sep: ['[SEP]'] }, 'f')).toThrow(/^f: post_processor \(BertProcessing\): sep/);
    expect(() =>
      templateFromPostProcessor({ type: 'TemplateProcessing', single: [{ SpecialToken: { id: 'X', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }], pair: [], special_tokens: {} }, 'f'),
    ).toThrow(/single template uses "X", which special_tokens does not define/);
    expect(() =>
      templateFromPostProcessor({ type: 'Sequence', processors: [{ type: 'BertProcessing', sep: ['a', 1], cls: ['b', 2] }, { type: 'RobertaProcessing', sep: ['a', 1], cls: ['b', 2] }] }, 'f'),
    ).toThrow(/only one is supported/);
  });

  it('a BertProcessing tokenizer.json encodes like the fixture\'s equivalent TemplateProcessing', () => {
    const dir = fixtureDir('bert-cls');
    const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
    const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as unknown;
    const template = TextTokenizer.fromObjects(json, config);
    const bertProcessing = TextTokenizer.fromObjects({ ...json, post_processor: { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] } }, config);
    const inputs = [{ text: 'Hello there', textPair: 'General Kenobi' }, { text: 'the' }];
    expect(bertProcessing.encodeBatch(inputs, { maxLength: 8 })).toEqual(template.encodeBatch(inputs, { maxLength: 8 }));
  });
});
