import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../../errors/tl-error.js';
import type { Model } from '../../model/model.js';
import { encodeBatch, type TextInput } from '../../tokenization/encode-batch.js';
import type { TextTokenizer } from '../../tokenization/text-tokenizer.js';
import { toEncodedBatch } from '../../tokenization/to-encoded-batch.js';

/** How a sequence becomes one vector: the first ([CLS]/<s>) hidden state, BERT's pooler, or the masked mean. */
export type Pooling = 'cls' | 'pooler' | 'mean';

export interface FrozenOutputsOptions {
  readonly pooling?: Pooling;
  readonly batchSize?: number;
  readonly maxLength?: number;
  /** Also return the softmax of the model's classification logits (for LEEP). */
  readonly withProbabilities?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Features (and source-head probabilities) of a frozen model, one row per input. */
export interface FrozenOutputs {
  readonly features: Float32Array[];
  /** Present when asked for and the model has a classification head. */
  readonly probabilities?: Float32Array[];
}

/**
 * Runs a model in eval mode over texts and pools its last hidden state into one feature vector per
 * text (default: the attention-masked mean). What the transferability scores read: no training, one
 * forward pass per batch, each batch's tensors freed before the next.
 */
export async function frozenOutputs(model: Model, tokenizer: TextTokenizer, inputs: readonly TextInput[], options: FrozenOutputsOptions = {}): Promise<FrozenOutputs> {
  const pooling = options.pooling ?? 'mean';
  const batchSize = options.batchSize ?? 32;
  const probabilitiesWanted = (options.withProbabilities ?? false) && model.task === 'sequence-classification';
  const features: Float32Array[] = [];
  const probabilities: Float32Array[] = [];
  for (let start = 0; start < inputs.length; start += batchSize) {
    const part = inputs.slice(start, start + batchSize);
    const encoding = encodeBatch(tokenizer, part, { ...(options.maxLength !== undefined && { maxLength: options.maxLength }) });
    const batch = toEncodedBatch(encoding);
    try {
      const [pooled, probs] = tf.tidy(() => {
        const out = model.forward(batch, { training: false });
        let vector: tf.Tensor2D;
        if (pooling === 'pooler') {
          if (!out.poolerOutput) throw new TlError('MODEL', `pooling "pooler": the ${model.modelType} ${model.task} model has no pooler; use cls or mean`);
          vector = out.poolerOutput;
        } else if (pooling === 'cls') {
          const [b, , h] = out.lastHiddenState.shape;
          vector = tf.reshape(tf.slice(out.lastHiddenState, [0, 0, 0], [b, 1, h]), [b, h]);
        } else {
          const mask = tf.expandDims(tf.cast(batch.attentionMask, 'float32'), -1);
          vector = tf.div(tf.sum(tf.mul(out.lastHiddenState, mask), 1), tf.maximum(tf.sum(mask, 1), 1)) as tf.Tensor2D;
        }
        return [vector, probabilitiesWanted && out.logits ? tf.softmax(out.logits) : undefined] as const;
      });
      try {
        const [rows, cols] = pooled.shape;
        const data = (await pooled.data()) as Float32Array;
        for (let r = 0; r < rows; r++) features.push(data.slice(r * cols, (r + 1) * cols));
        if (probs) {
          const p = (await probs.data()) as Float32Array;
          const z = probs.shape[1]!;
          for (let r = 0; r < rows; r++) probabilities.push(p.slice(r * z, (r + 1) * z));
        }
      } finally {
        tf.dispose([pooled, ...(probs ? [probs] : [])]);
      }
    } finally {
      tf.dispose([batch.inputIds, batch.attentionMask, ...(batch.tokenTypeIds ? [batch.tokenTypeIds] : [])]);
    }
    options.onProgress?.(Math.min(start + batchSize, inputs.length), inputs.length);
  }
  return { features, ...(probabilitiesWanted && { probabilities }) };
}
