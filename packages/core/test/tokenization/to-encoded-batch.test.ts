import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { toEncodedBatch } from '../../src/tokenization/to-encoded-batch.js';
import { TextTokenizer } from '../../src/tokenization/text-tokenizer.js';
import { fixtureDir } from './hf-tiny.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('toEncodedBatch', () => {
  it('makes int32 [batch, seq] tensors with the batch values', async () => {
    const bert = await TextTokenizer.fromFolder(fixtureDir('bert-cls'));
    const encoded = bert.encodeBatch([{ text: 'the', textPair: 'a' }, { text: 'a a a' }]);
    const before = tf.memory().numTensors;
    const batch = toEncodedBatch(encoded, bert.modelInputNames);
    for (const t of [batch.inputIds, batch.attentionMask, batch.tokenTypeIds!]) {
      expect(t.dtype).toBe('int32');
      expect(t.shape).toEqual([2, 5]);
    }
    expect(batch.inputIds.arraySync()).toEqual(encoded.inputIds);
    expect(batch.attentionMask.arraySync()).toEqual(encoded.attentionMask);
    expect(batch.tokenTypeIds!.arraySync()).toEqual([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]]);
    tf.dispose([batch.inputIds, batch.attentionMask, batch.tokenTypeIds!]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('omits token type ids when the batch has none or the model takes none', async () => {
    const roberta = await TextTokenizer.fromFolder(fixtureDir('roberta-cls'));
    const batch = toEncodedBatch(roberta.encodeBatch([{ text: 'hi' }]), roberta.modelInputNames);
    expect(batch.tokenTypeIds).toBeUndefined();
    tf.dispose([batch.inputIds, batch.attentionMask]);

    const withTypes = { inputIds: [[1, 2]], attentionMask: [[1, 1]], tokenTypeIds: [[0, 0]] };
    const dropped = toEncodedBatch(withTypes, ['input_ids', 'attention_mask']);
    expect(dropped.tokenTypeIds).toBeUndefined();
    tf.dispose([dropped.inputIds, dropped.attentionMask]);
  });

  it('refuses ragged or empty batches without leaking tensors', () => {
    const before = tf.memory().numTensors;
    expect(() => toEncodedBatch({ inputIds: [[1, 2], [1, 2]], attentionMask: [[1, 1], [1]] })).toThrow(
      /^attention_mask row 1 has 1 tokens, row 0 has 2: pad the batch/,
    );
    expect(() => toEncodedBatch({ inputIds: [], attentionMask: [] })).toThrow(/empty batch/);
    expect(() => toEncodedBatch({ inputIds: [[1]], attentionMask: [[1], [1]] })).toThrow(/disagree on the number of rows/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
