import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { TextTokenizer, encodeBatch, toEncodedBatch, keptLengths, createEngine } from '@tl/core';
import { fixtureDir } from './hf-tiny.js';

describe('tokenization through @tl/core', () => {
  it('loads a folder, encodes a batch and makes tensors', async () => {
    const engine = await createEngine({ backend: 'cpu' });
    const tokenizer = await TextTokenizer.fromFolder(fixtureDir('distilbert-cls'));
    const encoded = encodeBatch(tokenizer, [{ text: 'Hello, World!' }, { text: 'a' }], { maxLength: 8 });
    expect(encoded.inputIds).toEqual([[2, 41, 64, 380, 60, 12, 56, 3], [2, 34, 3, 0, 0, 0, 0, 0]]);
    const batch = toEncodedBatch(encoded, tokenizer.modelInputNames);
    expect(batch.inputIds.shape).toEqual([2, 8]);
    tf.dispose([batch.inputIds, batch.attentionMask, ...(batch.tokenTypeIds ? [batch.tokenTypeIds] : [])]);
    expect(keptLengths(9, 9, 9, 'longest_first', 'x')).toEqual({ a: 4, b: 5 });
    await engine.dispose();
  });
});
