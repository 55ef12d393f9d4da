import * as tf from '@tensorflow/tfjs-core';

/**
 * A BERT-shaped training step written in plain tfjs ops: the profiling stand-in for the real
 * encoder (packages/core/src/models). It uses exactly the op patterns the real model does —
 * embeddings by `gather`, LayerNorm by `moments`, attention with `matMul(q, k, false, true)` and an
 * additive mask, erf GELU, linear layers as x·Wᵀ over torch-layout [out, in] weights, a tanh pooler
 * and softmax cross-entropy — so a kernel missing or slow here is missing or slow there too.
 */
export interface BertShape {
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly vocab: number;
  readonly maxPositions: number;
  readonly typeVocab: number;
  readonly labels: number;
}

/** The dimensions the benchmarks and anchors use (google/bert_uncased_L*_H*_A*). */
export const BERT_SHAPES = {
  tiny: { layers: 2, hidden: 128, heads: 2, intermediate: 512, vocab: 30522, maxPositions: 512, typeVocab: 2, labels: 2 },
  mini: { layers: 4, hidden: 256, heads: 4, intermediate: 1024, vocab: 30522, maxPositions: 512, typeVocab: 2, labels: 2 },
} as const satisfies Record<string, BertShape>;

export interface BertBatch {
  /** int32 [batch, seq] token ids. */
  readonly inputIds: tf.Tensor2D;
  /** int32 [batch, seq] segment ids. */
  readonly tokenTypeIds: tf.Tensor2D;
  /** float32 [batch, seq], 1 for real tokens, 0 for padding. */
  readonly attentionMask: tf.Tensor2D;
  /** int32 [batch] class ids. */
  readonly labels: tf.Tensor1D;
}

export interface StepOptions {
  /** Dropout rate (HF BERT's 0.1 on embeddings, attention probabilities and both residual branches); 0 disables. */
  readonly dropout?: number;
  /** Seed for dropout masks, so two backends can be compared on the same step. */
  readonly seed?: number;
}

export type BertParams = Record<string, tf.Variable>;

/** Deterministic small-normal init (std 0.02 as HF BERT), so cpu and wasm start from identical values. */
export function createBertParams(shape: BertShape, seed = 0): BertParams {
  const { hidden: H, intermediate: I } = shape;
  const p: BertParams = {};
  let s = seed;
  const normal = (name: string, dims: number[]): void => {
    p[name] = tf.variable(tf.truncatedNormal(dims, 0, 0.02, 'float32', s++), true);
  };
  const constant = (name: string, dims: number[], value: number): void => {
    p[name] = tf.variable(tf.fill(dims, value), true);
  };
  normal('embeddings.word_embeddings.weight', [shape.vocab, H]);
  normal('embeddings.position_embeddings.weight', [shape.maxPositions, H]);
  normal('embeddings.token_type_embeddings.weight', [shape.typeVocab, H]);
  constant('embeddings.LayerNorm.weight', [H], 1);
  constant('embeddings.LayerNorm.bias', [H], 0);
  for (let l = 0; l < shape.layers; l++) {
    const pre = `encoder.layer.${l}`;
    for (const m of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense']) {
      normal(`${pre}.${m}.weight`, [H, H]);
      constant(`${pre}.${m}.bias`, [H], 0);
    }
    constant(`${pre}.attention.output.LayerNorm.weight`, [H], 1);
    constant(`${pre}.attention.output.LayerNorm.bias`, [H], 0);
    normal(`${pre}.intermediate.dense.weight`, [I, H]);
    constant(`${pre}.intermediate.dense.bias`, [I], 0);
    normal(`${pre}.output.dense.weight`, [H, I]);
    constant(`${pre}.output.dense.bias`, [H], 0);
    constant(`${pre}.output.LayerNorm.weight`, [H], 1);
    constant(`${pre}.output.LayerNorm.bias`, [H], 0);
  }
  normal('pooler.dense.weight', [H, H]);
  constant('pooler.dense.bias', [H], 0);
  normal('classifier.weight', [shape.labels, H]);
  constant('classifier.bias', [shape.labels], 0);
  return p;
}

/** A random batch of `batch` full-length sequences (deterministic in `seed`). */
export function createBertBatch(shape: BertShape, batch: number, seq: number, seed = 0): BertBatch {
  return tf.tidy(() => ({
    // Ids above the special tokens (as the anchor draws them: 1000..vocab), within any vocab size.
    inputIds: tf.randomUniform([batch, seq], Math.min(1000, shape.vocab >> 1), shape.vocab, 'int32', seed) as tf.Tensor2D,
    tokenTypeIds: tf.zeros([batch, seq], 'int32') as tf.Tensor2D,
    attentionMask: tf.ones([batch, seq]) as tf.Tensor2D,
    labels: tf.randomUniform([batch], 0, shape.labels, 'int32', seed + 1) as tf.Tensor1D,
  }));
}

export function disposeBatch(b: BertBatch): void {
  tf.dispose([b.inputIds, b.tokenTypeIds, b.attentionMask, b.labels]);
}

/** x·Wᵀ + b with torch-layout W [out, in]; x is [rows, in]. */
function linear(x: tf.Tensor2D, w: tf.Variable, b: tf.Variable): tf.Tensor2D {
  return tf.add(tf.matMul(x, w as tf.Tensor2D, false, true), b);
}

function layerNorm(x: tf.Tensor2D, gamma: tf.Variable, beta: tf.Variable, eps = 1e-12): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

/** GELU as BERT defines it: 0.5·x·(1 + erf(x/√2)). */
function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** The loss of one forward pass (mean softmax cross-entropy over the batch). */
export function bertLoss(shape: BertShape, p: BertParams, batch: BertBatch, options: StepOptions = {}): tf.Scalar {
  const rate = options.dropout ?? 0;
  let seed = options.seed ?? 0;
  const drop = <T extends tf.Tensor>(x: T): T => (rate > 0 ? (tf.dropout(x, rate, undefined, seed++) as T) : x);
  const [B, T] = batch.inputIds.shape;
  const { hidden: H, heads: A } = shape;
  const D = H / A;
  const P = (name: string): tf.Variable => {
    const v = p[name];
    if (!v) throw new Error(`bert-shaped-step: no parameter ${name}`);
    return v;
  };

  const ids = tf.reshape(batch.inputIds, [B * T]);
  const types = tf.reshape(batch.tokenTypeIds, [B * T]);
  const positions = tf.tile(tf.range(0, T, 1, 'int32'), [B]);
  let x = tf.addN([
    tf.gather(P('embeddings.word_embeddings.weight'), ids),
    tf.gather(P('embeddings.position_embeddings.weight'), positions),
    tf.gather(P('embeddings.token_type_embeddings.weight'), types),
  ]) as tf.Tensor2D;
  x = drop(layerNorm(x, P('embeddings.LayerNorm.weight'), P('embeddings.LayerNorm.bias')));

  // [B, 1, 1, T]: 0 where attended, -10000 (HF's large negative) at padding.
  const maskAdd = tf.reshape(tf.mul(tf.sub(1, batch.attentionMask), -10000), [B, 1, 1, T]);
  const heads = (t: tf.Tensor2D): tf.Tensor4D => tf.transpose(tf.reshape(t, [B, T, A, D]), [0, 2, 1, 3]);

  for (let l = 0; l < shape.layers; l++) {
    const pre = `encoder.layer.${l}`;
    const q = heads(linear(x, P(`${pre}.attention.self.query.weight`), P(`${pre}.attention.self.query.bias`)));
    const k = heads(linear(x, P(`${pre}.attention.self.key.weight`), P(`${pre}.attention.self.key.bias`)));
    const v = heads(linear(x, P(`${pre}.attention.self.value.weight`), P(`${pre}.attention.self.value.bias`)));
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D)), maskAdd);
    const probs = drop(tf.softmax(scores));
    const ctx = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [B * T, H]) as tf.Tensor2D;
    const attnOut = drop(linear(ctx, P(`${pre}.attention.output.dense.weight`), P(`${pre}.attention.output.dense.bias`)));
    x = layerNorm(tf.add(x, attnOut), P(`${pre}.attention.output.LayerNorm.weight`), P(`${pre}.attention.output.LayerNorm.bias`));
    const inter = gelu(linear(x, P(`${pre}.intermediate.dense.weight`), P(`${pre}.intermediate.dense.bias`))) as tf.Tensor2D;
    const out = drop(linear(inter, P(`${pre}.output.dense.weight`), P(`${pre}.output.dense.bias`)));
    x = layerNorm(tf.add(x, out), P(`${pre}.output.LayerNorm.weight`), P(`${pre}.output.LayerNorm.bias`));
  }

  const cls = tf.reshape(tf.slice(tf.reshape(x, [B, T, H]), [0, 0, 0], [B, 1, H]), [B, H]) as tf.Tensor2D;
  const pooled = tf.tanh(linear(cls, P('pooler.dense.weight'), P('pooler.dense.bias'))) as tf.Tensor2D;
  const logits = linear(drop(pooled), P('classifier.weight'), P('classifier.bias'));
  const logProbs = tf.logSoftmax(logits);
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(batch.labels, shape.labels)), -1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

/** Loss and gradients of every parameter, keyed by parameter name (gradients owned by the caller). */
export function bertLossAndGrads(
  shape: BertShape,
  p: BertParams,
  batch: BertBatch,
  options: StepOptions = {},
): { loss: tf.Scalar; grads: tf.NamedTensorMap } {
  const { value, grads } = tf.variableGrads(() => bertLoss(shape, p, batch, options), Object.values(p));
  // variableGrads keys by tfjs's variable names; hand back the parameter (HF) names.
  const byName: tf.NamedTensorMap = {};
  for (const [name, v] of Object.entries(p)) byName[name] = grads[v.name]!;
  return { loss: value, grads: byName };
}

/**
 * One training step: forward, backward and an Adam update (tfjs's `train.adam`, which is the
 * sqrt/div/mul/add elementwise work any Adam-style optimizer does). Returns the loss value.
 */
export function bertTrainStep(
  shape: BertShape,
  p: BertParams,
  batch: BertBatch,
  optimizer: tf.Optimizer,
  options: StepOptions = {},
): number {
  const { loss, grads } = bertLossAndGrads(shape, p, batch, options);
  optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name: p[name]!.name, tensor })));
  tf.dispose(grads);
  const value = loss.dataSync()[0]!;
  loss.dispose();
  return value;
}
