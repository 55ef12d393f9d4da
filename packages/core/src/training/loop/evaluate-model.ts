import * as tf from '@tensorflow/tfjs-core';
import { disposeBatch, type Collator } from '../../data/collate/collator.js';
import { TlError } from '../../errors/tl-error.js';
import type { Model } from '../../model/model.js';
import { argmaxRows, classificationMetrics } from '../metrics/classification-metrics.js';
import type { Example } from '../trainer.js';

/** What a metrics function receives: the stacked logits and the labels, in example order. */
export interface EvalPrediction {
  /** Row-major logits, shape `logitsShape` (e.g. [examples, classes]). */
  readonly logits: Float32Array;
  readonly logitsShape: readonly number[];
  readonly labels: readonly number[];
}

/** Metrics by bare name (`accuracy`); the Trainer prefixes them with `eval_`. */
export type ComputeMetrics = (prediction: EvalPrediction) => Record<string, number>;

/** Classification metrics when the logits are [examples, classes ≥ 2]; nothing otherwise (regression, masked LM). */
export const defaultComputeMetrics: ComputeMetrics = ({ logits, logitsShape, labels }) => {
  if (logitsShape.length !== 2 || logitsShape[1]! < 2) return {};
  return classificationMetrics(labels, argmaxRows(logits, logitsShape[1]!));
};

export interface EvaluateOptions {
  readonly batchSize: number;
  readonly computeMetrics?: ComputeMetrics;
}

/**
 * Runs the model in eval mode over `examples` in order and returns `eval_loss` (mean over examples,
 * as HF averages per-example repeated batch losses) plus the prefixed metrics. Only the loss and the
 * logits leave each batch's tidy, so evaluation does not grow the tensor count.
 *
 * A masked LM instead reports the loss per predicted token (the mean over every masked position of
 * the set, not over batches of unequal mask counts) and `eval_accuracy`, the share of masked
 * positions whose argmax is the original token: the two numbers pretraining is judged by.
 */
export async function evaluateModel(
  model: Model,
  collator: Collator,
  examples: readonly Example[],
  options: EvaluateOptions,
): Promise<Record<string, number>> {
  if (examples.length === 0) throw new TlError('INPUT', 'the evaluation set is empty');
  if (model.task === 'masked-lm') return evaluateMaskedLm(model, collator, examples, options.batchSize);
  let lossSum = 0;
  const chunks: Float32Array[] = [];
  let rowShape: number[] | undefined;
  for (let start = 0; start < examples.length; start += options.batchSize) {
    const part = examples.slice(start, start + options.batchSize);
    const batch = collator.collate(part);
    try {
      const [loss, logits] = tf.tidy(() => {
        const out = model.forward(batch.inputs, { training: false });
        if (!out.logits) throw new TlError('MODEL', `evaluate: the ${model.task} model returns no logits`);
        return [model.loss(out, batch.labels), out.logits] as const;
      });
      try {
        lossSum += (await loss.data())[0]! * part.length;
        const shape = logits.shape.slice(1);
        // Masked-LM logits differ in sequence length per batch: keep them only when rows line up.
        if (rowShape === undefined) rowShape = shape;
        if (rowShape.length === 1 && shape[0] === rowShape[0]) chunks.push((await logits.data()) as Float32Array);
        else rowShape = [];
      } finally {
        tf.dispose([loss, logits]);
      }
    } finally {
      disposeBatch(batch);
    }
  }
  const metrics: Record<string, number> = { eval_loss: lossSum / examples.length };
  if (rowShape && rowShape.length === 1) {
    const logits = new Float32Array(examples.length * rowShape[0]!);
    let offset = 0;
    for (const c of chunks) {
      logits.set(c, offset);
      offset += c.length;
    }
    const computed = (options.computeMetrics ?? defaultComputeMetrics)({
      logits,
      logitsShape: [examples.length, rowShape[0]!],
      labels: examples.map((e) => e.label),
    });
    for (const [k, v] of Object.entries(computed)) metrics[k.startsWith('eval_') ? k : `eval_${k}`] = v;
  }
  return metrics;
}

async function evaluateMaskedLm(model: Model, collator: Collator, examples: readonly Example[], batchSize: number): Promise<Record<string, number>> {
  let lossSum = 0;
  let correct = 0;
  let predicted = 0;
  for (let start = 0; start < examples.length; start += batchSize) {
    const batch = collator.collate(examples.slice(start, start + batchSize));
    try {
      const stats = tf.tidy(() => {
        const out = model.forward(batch.inputs, { training: false });
        if (!out.logits) throw new TlError('MODEL', 'evaluate: the masked-lm model returns no logits');
        const vocab = out.logits.shape[out.logits.shape.length - 1]!;
        const labels = tf.reshape(tf.cast(batch.labels as tf.Tensor, 'int32'), [-1]);
        const keep = tf.notEqual(labels, -100);
        const hits = tf.logicalAnd(keep, tf.equal(tf.argMax(tf.reshape(out.logits, [-1, vocab]), -1), labels));
        const count = tf.sum(tf.cast(keep, 'float32'));
        return tf.stack([tf.mul(model.loss(out, batch.labels), count), tf.sum(tf.cast(hits, 'float32')), count]);
      });
      try {
        const [l, c, n] = await stats.data();
        lossSum += l!;
        correct += c!;
        predicted += n!;
      } finally {
        stats.dispose();
      }
    } finally {
      disposeBatch(batch);
    }
  }
  if (predicted === 0) throw new TlError('INPUT', 'the evaluation set has no masked positions to predict');
  return { eval_loss: lossSum / predicted, eval_accuracy: correct / predicted, eval_predicted_tokens: predicted };
}
