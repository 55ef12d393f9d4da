import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../errors/tl-error.js';
import type { EncodedBatch } from '../model/model.js';
import type { BatchEncoding } from './encode-batch.js';

function toInt32Matrix(rows: readonly (readonly number[])[], name: string, seqLength: number): tf.Tensor2D {
  const data = new Int32Array(rows.length * seqLength);
  rows.forEach((row, i) => {
    if (row.length !== seqLength) {
      throw new TlError('INPUT', `${name} row ${i} has ${row.length} tokens, row 0 has ${seqLength}: pad the batch (padding 'longest' or 'max_length') before making tensors`);
    }
    data.set(row, i * seqLength);
  });
  return tf.tensor2d(data, [rows.length, seqLength], 'int32');
}

/**
 * Turns a padded batch into the int32 [batch, seq] tensors encoders consume. Token type ids are kept
 * when the batch has them, unless `modelInputNames` (the tokenizer's) says the model takes none.
 * The caller owns the returned tensors and disposes them.
 */
export function toEncodedBatch(encoded: BatchEncoding, modelInputNames?: readonly string[]): EncodedBatch {
  const { inputIds, attentionMask, tokenTypeIds } = encoded;
  if (inputIds.length === 0) throw new TlError('INPUT', 'cannot make tensors from an empty batch');
  if (attentionMask.length !== inputIds.length || (tokenTypeIds !== undefined && tokenTypeIds.length !== inputIds.length)) {
    throw new TlError('INPUT', `batch fields disagree on the number of rows (input_ids ${inputIds.length}, attention_mask ${attentionMask.length}${tokenTypeIds ? `, token_type_ids ${tokenTypeIds.length}` : ''})`);
  }
  const seqLength = inputIds[0]!.length;
  const keepTypes = tokenTypeIds !== undefined && (modelInputNames?.includes('token_type_ids') ?? true);
  // Build every tensor before returning so that a ragged field leaks none of the others.
  const tensors: tf.Tensor2D[] = [];
  try {
    tensors.push(toInt32Matrix(inputIds, 'input_ids', seqLength));
    tensors.push(toInt32Matrix(attentionMask, 'attention_mask', seqLength));
    if (keepTypes) tensors.push(toInt32Matrix(tokenTypeIds, 'token_type_ids', seqLength));
  } catch (e) {
    tensors.forEach((t) => t.dispose());
    throw e;
  }
  const [ids, mask, types] = tensors as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
  return types === undefined ? { inputIds: ids, attentionMask: mask } : { inputIds: ids, attentionMask: mask, tokenTypeIds: types };
}
