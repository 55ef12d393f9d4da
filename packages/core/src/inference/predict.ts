import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../model/model.js';
import { TlError } from '../errors/tl-error.js';
import type { TextInput } from '../tokenization/encode-batch.js';
import type { TextTokenizer } from '../tokenization/text-tokenizer.js';
import { toEncodedBatch } from '../tokenization/to-encoded-batch.js';

export interface Prediction {
  /** The label name from config.json `id2label` (the class index as a string when there is none). */
  readonly label: string;
  /** Probability of `label` (softmax; sigmoid for multi-label; the raw value for regression). */
  readonly score: number;
  readonly logits: number[];
}

export interface PredictOptions {
  readonly maxLength?: number;
  readonly batchSize?: number;
  /** Called after each batch with the number of inputs done (progress bars). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Classifies texts (or pairs) with a sequence-classification model, in batches, in input order.
 * Each batch is tokenized, run in eval mode and read back; no tensor outlives its batch.
 */
export async function predict(
  model: Model,
  tokenizer: TextTokenizer,
  inputs: readonly TextInput[],
  options: PredictOptions = {},
): Promise<Prediction[]> {
  if (model.task !== 'sequence-classification') {
    throw new TlError('MODEL', `predict needs a sequence-classification model, this one is ${model.task}`);
  }
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new TlError('INPUT', `batch size must be a positive integer, got ${batchSize}`);
  const id2label = (model.config['id2label'] ?? {}) as Record<string, string>;
  const problemType = model.config['problem_type'];
  const out: Prediction[] = [];
  for (let start = 0; start < inputs.length; start += batchSize) {
    const chunk = inputs.slice(start, start + batchSize);
    const encoded = tokenizer.encodeBatch(chunk, { maxLength: options.maxLength });
    const batch = toEncodedBatch(encoded);
    const logits = tf.tidy(() => model.forward(batch).logits!);
    const rows = (await logits.array()) as number[][];
    tf.dispose([logits, ...Object.values(batch)] as tf.Tensor[]);
    for (const row of rows) out.push(toPrediction(row, id2label, problemType));
    options.onProgress?.(out.length, inputs.length);
  }
  return out;
}

function toPrediction(logits: number[], id2label: Record<string, string>, problemType: unknown): Prediction {
  if (logits.length === 1 || problemType === 'regression') {
    return { label: id2label['0'] ?? '0', score: logits[0]!, logits };
  }
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  const score =
    problemType === 'multi_label_classification' ? 1 / (1 + Math.exp(-logits[best]!)) : softmaxAt(logits, best);
  return { label: id2label[String(best)] ?? String(best), score, logits };
}

function softmaxAt(logits: number[], index: number): number {
  const max = Math.max(...logits);
  let sum = 0;
  for (const l of logits) sum += Math.exp(l - max);
  return Math.exp(logits[index]! - max) / sum;
}
