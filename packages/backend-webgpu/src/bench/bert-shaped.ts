import * as tf from '@tensorflow/tfjs-core';
import { activation, layerNorm as fusedLayerNorm } from '@tl/core';

/**
 * A BERT-shaped classifier written in plain tfjs ops, for this package's tests, browser example and
 * device benchmark. It uses the op patterns of the real encoder (embeddings by `gather`, LayerNorm as
 * @tl/core's `layerNorm` — the fused TL_LAYER_NORM kernels where registered, `moments` otherwise —,
 * attention via `matMul(q, k, false, true)` with an additive padding mask, core's erf GELU, torch-layout
 * [out, in] linear weights, tanh pooler, softmax cross-entropy).
 * TODO(lead): once @tl/core's encoder models and Trainer land, the browser example and the device
 * benchmark should run those instead (the tests keep this as a kernel-level stand-in).
 * Reads are asynchronous throughout: WebGPU in Node has no synchronous readback.
 */
export interface BertShape {
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly vocab: number;
  readonly maxPositions: number;
  readonly labels: number;
  /** Segment vocabulary (HF `type_vocab_size`); 0 = no token-type embeddings. */
  readonly typeVocab?: number;
  /** HF `layer_norm_eps` (BERT: 1e-12). */
  readonly layerNormEps?: number;
}

export const BERT_SHAPES = {
  /** Small enough for the cpu reference in a unit test. */
  micro: { layers: 2, hidden: 32, heads: 4, intermediate: 64, vocab: 97, maxPositions: 16, labels: 3, typeVocab: 2 },
  tiny: { layers: 2, hidden: 128, heads: 2, intermediate: 512, vocab: 30522, maxPositions: 512, labels: 2, typeVocab: 2 },
  mini: { layers: 4, hidden: 256, heads: 4, intermediate: 1024, vocab: 30522, maxPositions: 512, labels: 2, typeVocab: 2 },
  base: { layers: 12, hidden: 768, heads: 12, intermediate: 3072, vocab: 30522, maxPositions: 512, labels: 2, typeVocab: 2 },
} as const satisfies Record<string, BertShape>;

/** Parameters by their HF `BertForSequenceClassification` state-dict names, so checkpoints load as they are. */
export type BertParams = Record<string, tf.Variable>;

export interface BertBatch {
  /** int32 [batch, seq]. */
  readonly inputIds: tf.Tensor2D;
  /** float32 [batch, seq]: 1 attended, 0 padding. */
  readonly attentionMask: tf.Tensor2D;
  /** int32 [batch]. */
  readonly labels: tf.Tensor1D;
  /** int32 [batch, seq] segment ids (needs `typeVocab`); absent = all zeros. */
  readonly tokenTypeIds?: tf.Tensor2D;
}

/** Parameter values as plain arrays (seeded), so two backends can start from identical weights. */
export function bertParamValues(shape: BertShape, seed = 0): Map<string, { shape: number[]; values: Float32Array }> {
  const { hidden: H, intermediate: I } = shape;
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  let s = seed * 7919 + 1;
  const rand = (): number => {
    // xorshift32 → uniform in [-1, 1); scaled to std ≈ 0.02·√3 like a small uniform init.
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return ((s >>> 0) / 4294967296) * 2 - 1;
  };
  const add = (name: string, dims: number[], init: 'rand' | 0 | 1): void => {
    const n = dims.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = init === 'rand' ? 0.035 * rand() : init;
    out.set(name, { shape: dims, values });
  };
  add('bert.embeddings.word_embeddings.weight', [shape.vocab, H], 'rand');
  add('bert.embeddings.position_embeddings.weight', [shape.maxPositions, H], 'rand');
  if (shape.typeVocab) add('bert.embeddings.token_type_embeddings.weight', [shape.typeVocab, H], 'rand');
  add('bert.embeddings.LayerNorm.weight', [H], 1);
  add('bert.embeddings.LayerNorm.bias', [H], 0);
  for (let l = 0; l < shape.layers; l++) {
    const pre = `bert.encoder.layer.${l}`;
    for (const m of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense']) {
      add(`${pre}.${m}.weight`, [H, H], 'rand');
      add(`${pre}.${m}.bias`, [H], 0);
    }
    add(`${pre}.attention.output.LayerNorm.weight`, [H], 1);
    add(`${pre}.attention.output.LayerNorm.bias`, [H], 0);
    add(`${pre}.intermediate.dense.weight`, [I, H], 'rand');
    add(`${pre}.intermediate.dense.bias`, [I], 0);
    add(`${pre}.output.dense.weight`, [H, I], 'rand');
    add(`${pre}.output.dense.bias`, [H], 0);
    add(`${pre}.output.LayerNorm.weight`, [H], 1);
    add(`${pre}.output.LayerNorm.bias`, [H], 0);
  }
  add('bert.pooler.dense.weight', [H, H], 'rand');
  add('bert.pooler.dense.bias', [H], 0);
  add('classifier.weight', [shape.labels, H], 'rand');
  add('classifier.bias', [shape.labels], 0);
  return out;
}

/** Variables on the active backend. */
export function createBertParams(shape: BertShape, seed = 0, values = bertParamValues(shape, seed)): BertParams {
  const p: BertParams = {};
  for (const [name, v] of values) {
    const init = tf.tensor(v.values, v.shape);
    p[name] = tf.variable(init, true, name);
    init.dispose(); // the variable holds its own reference to the data
  }
  return p;
}

/** A seeded batch; `padFrom[b]` (optional) pads sequence b from that position on. */
export function createBertBatch(shape: BertShape, batch: number, seq: number, seed = 0, padFrom?: number[]): BertBatch {
  let s = seed * 104729 + 17;
  const next = (n: number): number => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return (s >>> 0) % n;
  };
  const ids = new Int32Array(batch * seq).map(() => next(shape.vocab));
  const mask = new Float32Array(batch * seq).map((_, i) => (padFrom && i % seq >= padFrom[Math.floor(i / seq)]! ? 0 : 1));
  const labels = new Int32Array(batch).map(() => next(shape.labels));
  const types = new Int32Array(batch * seq).map((_, i) => (shape.typeVocab && i % seq >= seq / 2 ? 1 : 0));
  return {
    inputIds: tf.tensor2d(ids, [batch, seq], 'int32'),
    tokenTypeIds: tf.tensor2d(types, [batch, seq], 'int32'),
    attentionMask: tf.tensor2d(mask, [batch, seq]),
    labels: tf.tensor1d(labels, 'int32'),
  };
}

export function disposeBatch(b: BertBatch): void {
  tf.dispose([b.inputIds, b.attentionMask, b.labels, ...(b.tokenTypeIds ? [b.tokenTypeIds] : [])]);
}

function linear(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return tf.add(tf.matMul(x, w as tf.Tensor2D, false, true), b);
}

function layerNorm(x: tf.Tensor2D, g: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor2D {
  return fusedLayerNorm(x, g, b, eps) as tf.Tensor2D;
}

/** @tl/core's erf GELU: the fused TL_GELU kernels where registered, tfjs ops otherwise. */
const gelu = activation('gelu');

/** Classifier logits [batch, labels] (eval mode: no dropout, so comparable across backends and with HF). */
export function bertLogits(shape: BertShape, p: BertParams, batch: BertBatch): tf.Tensor2D {
  const [B, T] = batch.inputIds.shape;
  const { hidden: H, heads: A } = shape;
  const D = H / A;
  const P = (n: string): tf.Variable => p[n] ?? (() => { throw new Error(`bert-shaped: no parameter ${n}`); })();
  const eps = shape.layerNormEps ?? 1e-12;
  const ln = (t: tf.Tensor2D, pre: string): tf.Tensor2D => layerNorm(t, P(`${pre}.weight`), P(`${pre}.bias`), eps);
  const positions = tf.tile(tf.range(0, T, 1, 'int32'), [B]);
  const parts = [
    tf.gather(P('bert.embeddings.word_embeddings.weight'), tf.reshape(batch.inputIds, [B * T])),
    tf.gather(P('bert.embeddings.position_embeddings.weight'), positions),
  ];
  if (shape.typeVocab) {
    const types = batch.tokenTypeIds ? tf.reshape(batch.tokenTypeIds, [B * T]) : tf.zeros([B * T], 'int32');
    parts.push(tf.gather(P('bert.embeddings.token_type_embeddings.weight'), types));
  }
  let x = ln(tf.addN(parts) as tf.Tensor2D, 'bert.embeddings.LayerNorm');
  const maskAdd = tf.reshape(tf.mul(tf.sub(1, batch.attentionMask), -10000), [B, 1, 1, T]);
  const heads = (t: tf.Tensor2D): tf.Tensor4D => tf.transpose(tf.reshape(t, [B, T, A, D]), [0, 2, 1, 3]);
  for (let l = 0; l < shape.layers; l++) {
    const pre = `bert.encoder.layer.${l}`;
    const proj = (m: string): tf.Tensor2D => linear(x, P(`${pre}.${m}.weight`), P(`${pre}.${m}.bias`));
    const q = heads(proj('attention.self.query'));
    const k = heads(proj('attention.self.key'));
    const v = heads(proj('attention.self.value'));
    const probs = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D)), maskAdd));
    const ctx = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [B * T, H]) as tf.Tensor2D;
    const attn = linear(ctx, P(`${pre}.attention.output.dense.weight`), P(`${pre}.attention.output.dense.bias`));
    x = ln(tf.add(x, attn), `${pre}.attention.output.LayerNorm`);
    const inter = gelu(linear(x, P(`${pre}.intermediate.dense.weight`), P(`${pre}.intermediate.dense.bias`))) as tf.Tensor2D;
    const out = linear(inter, P(`${pre}.output.dense.weight`), P(`${pre}.output.dense.bias`));
    x = ln(tf.add(x, out), `${pre}.output.LayerNorm`);
  }
  const cls = tf.reshape(tf.slice(tf.reshape(x, [B, T, H]), [0, 0, 0], [B, 1, H]), [B, H]) as tf.Tensor2D;
  const pooled = tf.tanh(linear(cls, P('bert.pooler.dense.weight'), P('bert.pooler.dense.bias'))) as tf.Tensor2D;
  return linear(pooled, P('classifier.weight'), P('classifier.bias'));
}

/** Mean softmax cross-entropy of the classifier over the batch. */
export function bertLoss(shape: BertShape, p: BertParams, batch: BertBatch): tf.Scalar {
  const logits = bertLogits(shape, p, batch);
  const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(batch.labels, shape.labels)), -1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

/** Loss and every parameter's gradient (caller owns them). */
export function bertLossAndGrads(shape: BertShape, p: BertParams, batch: BertBatch): { loss: tf.Scalar; grads: tf.NamedTensorMap } {
  const { value, grads } = tf.variableGrads(() => bertLoss(shape, p, batch), Object.values(p));
  return { loss: value, grads };
}

/**
 * One optimizer step; returns the loss tensor (caller awaits `.data()` when it wants the value, so
 * steps can be queued without a GPU→CPU sync each time).
 */
export function bertTrainStep(shape: BertShape, p: BertParams, batch: BertBatch, optimizer: tf.Optimizer): tf.Scalar {
  const { loss, grads } = bertLossAndGrads(shape, p, batch);
  optimizer.applyGradients(grads);
  tf.dispose(grads);
  return loss;
}
