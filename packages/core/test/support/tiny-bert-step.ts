/**
 * A training step of the real BERT classifier (buildModel: the encoder users train, with core's
 * fused kernels) at tiny dims, for differential checks of a backend against `cpu`: core's wasm test,
 * backend-cuda's torch-cpu test and its device check. It replaces the hand-written BERT-shaped
 * stand-ins that had drifted from the model.
 *
 * Only tfjs-core is imported, and the model is passed in: callers build it with their own
 * `buildModel` (core's tests from src, other packages from @tl/core), so no second copy of core loads.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EncodedBatch, Model } from '../../src/model/model.js';

/** HF BertForSequenceClassification config: 2 layers, hidden 32, 4 heads, intermediate 64, 3 labels. */
export const TINY_BERT_CONFIG: Readonly<Record<string, unknown>> = {
  architectures: ['BertForSequenceClassification'],
  model_type: 'bert',
  vocab_size: 100,
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 64,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 16,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
  initializer_range: 0.02,
  pad_token_id: 0,
  id2label: { 0: 'a', 1: 'b', 2: 'c' },
  label2id: { a: 0, b: 1, c: 2 },
};

/** Parameters of that config: 5 embedding tensors, 16 per layer, pooler and classifier 4. */
export const TINY_BERT_PARAMETER_COUNT = 5 + 2 * 16 + 4;

/** Three sequences of 10 with the tail of the second one padded (so the attention mask matters). */
export function tinyBertBatch(): { batch: EncodedBatch; labels: tf.Tensor1D; dispose(): void } {
  const ids = Array.from({ length: 30 }, (_, i) => (i % 10 === 0 ? 2 : 5 + ((i * 37 + 11) % 90)));
  const mask = Array.from({ length: 30 }, (_, i) => (i >= 16 && i < 20 ? 0 : 1));
  const types = Array.from({ length: 30 }, (_, i) => (i % 10 >= 6 ? 1 : 0));
  const batch: EncodedBatch = {
    inputIds: tf.tensor2d(ids, [3, 10], 'int32'),
    attentionMask: tf.tensor2d(mask, [3, 10], 'int32'),
    tokenTypeIds: tf.tensor2d(types, [3, 10], 'int32'),
  };
  const labels = tf.tensor1d([0, 2, 1], 'int32');
  return { batch, labels, dispose: () => tf.dispose([...Object.values(batch), labels] as tf.Tensor[]) };
}

/** Loss and every parameter's gradient (by HF name) of one eval-mode forward and backward. */
export function lossAndGrads(model: Model, batch: EncodedBatch, labels: tf.Tensor1D): { loss: number; grads: Record<string, Float32Array> } {
  const { value, grads } = tf.variableGrads(() => model.loss(model.forward(batch, { training: false }), labels));
  const byVariable = new Map(Object.entries(grads));
  const out: Record<string, Float32Array> = {};
  for (const [name, variable] of model.parameters.entries()) {
    const g = byVariable.get(variable.name);
    if (g) out[name] = g.dataSync() as Float32Array;
  }
  const loss = value.dataSync()[0]!;
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, grads: out };
}

/** Builds the tiny model with the caller's `buildModel` (seeded), runs `lossAndGrads`, frees it all. */
export function tinyBertLossAndGrads(
  build: (config: Readonly<Record<string, unknown>>, spec: { seed: number }) => Model,
  seed: number,
): { loss: number; grads: Record<string, Float32Array> } {
  const model = build(TINY_BERT_CONFIG, { seed });
  const { batch, labels, dispose } = tinyBertBatch();
  try {
    return lossAndGrads(model, batch, labels);
  } finally {
    dispose();
    model.dispose();
  }
}

/** The largest absolute gradient difference and where it is. */
export function worstGradientDifference(got: Record<string, Float32Array>, want: Record<string, Float32Array>): { name: string; diff: number } {
  let worst = { name: '', diff: 0 };
  for (const [name, w] of Object.entries(want)) {
    const g = got[name]!;
    for (let i = 0; i < w.length; i++) {
      const diff = Math.abs(g[i]! - w[i]!);
      if (diff > worst.diff) worst = { name, diff };
    }
  }
  return worst;
}
