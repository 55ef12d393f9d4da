import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../../errors/tl-error.js';
import type { Example } from '../../training/trainer.js';
import { isPreEncoded } from '../packing/pack-sequences.js';
import type { CollatedBatch, Collator } from './collator.js';

/** One tokenized example, special tokens included, not padded. */
export interface EncodedExample {
  readonly inputIds: readonly number[];
  /** Segment ids; omit for families without them (DistilBERT). */
  readonly tokenTypeIds?: readonly number[];
}

/** Tokenizes one example (with truncation); e.g. a closure over the project's tokenizer. */
export type EncodeFn = (text: string, textPair?: string) => EncodedExample;

export interface PaddingCollatorOptions {
  readonly encode: EncodeFn;
  readonly padTokenId: number;
  /** Round the padded length up to a multiple of this (kernels like aligned shapes). */
  readonly padToMultipleOf?: number;
  /** `float32` for regression labels; default `int32` class indices. */
  readonly labelDtype?: 'int32' | 'float32';
  /** Default `right`; `left` for tokenizers configured to pad on the left. */
  readonly paddingSide?: 'left' | 'right';
}

/**
 * Dynamic padding (HF `DataCollatorWithPadding`): each batch is padded (right by default) to its own
 * longest example, not to a global max length, so short batches cost short sequences. Encodings are
 * cached per example object: an example is tokenized once however many epochs run.
 */
export class PaddingCollator implements Collator {
  private readonly cache = new WeakMap<Example, EncodedExample>();

  constructor(private readonly o: PaddingCollatorOptions) {
    if (o.padToMultipleOf !== undefined && !(Number.isInteger(o.padToMultipleOf) && o.padToMultipleOf >= 1)) {
      throw new TlError('CONFIG', `padToMultipleOf must be an integer >= 1, got ${o.padToMultipleOf}`);
    }
  }

  encoded(example: Example): EncodedExample {
    if (isPreEncoded(example)) return example.encoded;
    let e = this.cache.get(example);
    if (!e) {
      e = this.o.encode(example.text, example.textPair);
      if (e.inputIds.length === 0) throw new TlError('TOKENIZER', `encoding of "${example.text.slice(0, 40)}" is empty`);
      if (e.tokenTypeIds && e.tokenTypeIds.length !== e.inputIds.length) {
        throw new TlError('TOKENIZER', `encoding has ${e.inputIds.length} ids but ${e.tokenTypeIds.length} token type ids`);
      }
      this.cache.set(example, e);
    }
    return e;
  }

  lengthOf(example: Example): number {
    return this.encoded(example).inputIds.length;
  }

  collate(examples: readonly Example[]): CollatedBatch {
    if (examples.length === 0) throw new TlError('INPUT', 'cannot collate an empty batch');
    const encoded = examples.map((e) => this.encoded(e));
    const m = this.o.padToMultipleOf ?? 1;
    const seq = Math.ceil(encoded.reduce((w, e) => Math.max(w, e.inputIds.length), 0) / m) * m;
    const n = examples.length;
    const ids = new Int32Array(n * seq).fill(this.o.padTokenId);
    const mask = new Int32Array(n * seq);
    const withTypes = encoded.some((e) => e.tokenTypeIds !== undefined);
    const types = withTypes ? new Int32Array(n * seq) : undefined;
    encoded.forEach((e, r) => {
      const start = r * seq + (this.o.paddingSide === 'left' ? seq - e.inputIds.length : 0);
      ids.set(e.inputIds, start);
      mask.fill(1, start, start + e.inputIds.length);
      if (types && e.tokenTypeIds) types.set(e.tokenTypeIds, start);
    });
    const labelDtype = this.o.labelDtype ?? 'int32';
    return {
      inputs: {
        inputIds: tf.tensor2d(ids, [n, seq], 'int32'),
        attentionMask: tf.tensor2d(mask, [n, seq], 'int32'),
        ...(types ? { tokenTypeIds: tf.tensor2d(types, [n, seq], 'int32') } : {}),
      },
      labels: tf.tensor1d(examples.map((e) => e.label), labelDtype),
      size: n,
    };
  }
}
