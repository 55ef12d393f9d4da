import { TlError } from '../../errors/tl-error.js';
import type { EncoderConfig } from '../../models/config.js';
import type { EncoderLayout } from '../../models/encoder.js';
import { joinName } from '../../models/naming.js';
import type { OnnxGraph } from './onnx-graph.js';

/** A model's weights by HF name, as `modelTensors` gives them (effective values, float32). */
export type WeightTable = ReadonlyMap<string, { readonly shape: readonly number[]; readonly data: Float32Array }>;

/** float32's lowest value: the additive mask of padded positions, as tl and HF use it. */
const MASK_VALUE = -3.4028234663852886e38;

/** What the graph builders need from a model: its config, layout, names and weights. */
export interface GraphContext {
  readonly graph: OnnxGraph;
  readonly cfg: EncoderConfig;
  readonly layout: EncoderLayout;
  /** `bert`, `roberta`, `distilbert` (or '' for a bare encoder). */
  readonly basePrefix: string;
  readonly weights: WeightTable;
}

function weight(ctx: GraphContext, name: string): { shape: readonly number[]; data: Float32Array } {
  const w = ctx.weights.get(name);
  if (!w) throw new TlError('MODEL', `ONNX export: the model has no parameter ${name}`);
  return w;
}

/** A weight as it is stored (embedding tables, LayerNorm parameters, biases). */
export function stored(ctx: GraphContext, name: string): string {
  const w = weight(ctx, name);
  return ctx.graph.float(name, w.shape, w.data);
}

/** y = x·Wᵀ + b: the torch [out, in] weight is stored transposed ([in, out]) so one MatMul applies it. */
export function linear(ctx: GraphContext, x: string, prefix: string, scope: string): string {
  const w = weight(ctx, `${prefix}.weight`);
  const [out, inFeatures] = w.shape as [number, number];
  const t = new Float32Array(out * inFeatures);
  for (let o = 0; o < out; o++) for (let i = 0; i < inFeatures; i++) t[i * out + o] = w.data[o * inFeatures + i]!;
  const wt = ctx.graph.float(`${prefix}.weight`, [inFeatures, out], t);
  const y = ctx.graph.op('MatMul', [x, wt], scope);
  return ctx.graph.op('Add', [y, stored(ctx, `${prefix}.bias`)], scope);
}

export function layerNorm(ctx: GraphContext, x: string, prefix: string, scope: string): string {
  return ctx.graph.op('LayerNormalization', [x, stored(ctx, `${prefix}.weight`), stored(ctx, `${prefix}.bias`)], scope, {
    axis: -1,
    epsilon: { float: ctx.cfg.layerNormEps },
  });
}

/** HF activation names in ONNX ops; `gelu` is the exact erf form, as torch's and tl's. */
export function activation(ctx: GraphContext, x: string, scope: string): string {
  const g = ctx.graph;
  switch (ctx.cfg.hiddenAct) {
    case 'gelu': {
      const inner = g.op('Erf', [g.op('Mul', [x, g.scalar(`${scope}/sqrt1_2`, Math.SQRT1_2)], scope)], scope);
      const half = g.op('Mul', [x, g.scalar(`${scope}/half`, 0.5)], scope);
      return g.op('Mul', [half, g.op('Add', [inner, g.scalar(`${scope}/one`, 1)], scope)], scope);
    }
    case 'gelu_new':
    case 'gelu_pytorch_tanh': {
      const cube = g.op('Mul', [g.op('Mul', [x, x], scope), x], scope);
      const poly = g.op('Add', [x, g.op('Mul', [cube, g.scalar(`${scope}/c`, 0.044715)], scope)], scope);
      const t = g.op('Tanh', [g.op('Mul', [poly, g.scalar(`${scope}/sqrt_2_over_pi`, Math.sqrt(2 / Math.PI))], scope)], scope);
      const half = g.op('Mul', [x, g.scalar(`${scope}/half`, 0.5)], scope);
      return g.op('Mul', [half, g.op('Add', [t, g.scalar(`${scope}/one`, 1)], scope)], scope);
    }
    case 'relu':
      return g.op('Relu', [x], scope);
    case 'tanh':
      return g.op('Tanh', [x], scope);
    case 'silu':
      return g.op('Mul', [x, g.op('Sigmoid', [x], scope)], scope);
    default:
      throw new TlError('MODEL', `ONNX export: activation "${ctx.cfg.hiddenAct}" is not supported`);
  }
}

/** Graph inputs as the tokenizer produces them (int64, dynamic batch and sequence axes). */
export interface EncoderInputs {
  readonly inputIds: string;
  readonly attentionMask: string;
  /** Absent for families without segment ids in their inputs (RoBERTa, DistilBERT). */
  readonly tokenTypeIds?: string;
}

/** word + position (+ token type) embeddings → LayerNorm, as `Embeddings.apply` (no dropout: eval mode). */
function embeddings(ctx: GraphContext, inputs: EncoderInputs): string {
  const g = ctx.graph;
  const at = (n: string) => joinName(ctx.basePrefix, 'embeddings', n);
  const scope = '/embeddings';
  const words = g.op('Gather', [stored(ctx, at('word_embeddings.weight')), inputs.inputIds], scope, { axis: 0 });
  const table = stored(ctx, at('position_embeddings.weight'));
  let positions: string;
  if (ctx.layout.positions === 'absolute') {
    // The first `sequence` rows of the table, broadcast over the batch.
    const seq = g.op('Shape', [inputs.inputIds], scope, { start: 1, end: 2 });
    positions = g.op('Slice', [table, g.int64(`${scope}/zero`, [0]), seq, g.int64(`${scope}/axis0`, [0])], scope);
  } else {
    // RoBERTa: padding tokens get pad_id, others pad_id + 1 + their index among non-padding tokens.
    const pad = g.int64(`${scope}/pad_id`, [ctx.cfg.padTokenId], []);
    const notPad = g.op('Cast', [g.op('Not', [g.op('Equal', [inputs.inputIds, pad], scope)], scope)], scope, { to: 7 });
    const counted = g.op('Mul', [g.op('CumSum', [notPad, g.int64(`${scope}/axis1`, [1], [])], scope), notPad], scope);
    positions = g.op('Gather', [table, g.op('Add', [counted, pad], scope)], scope, { axis: 0 });
  }
  let x = g.op('Add', [words, positions], scope);
  if (ctx.cfg.typeVocabSize > 0) {
    const types = stored(ctx, at('token_type_embeddings.weight'));
    if (inputs.tokenTypeIds) {
      x = g.op('Add', [x, g.op('Gather', [types, inputs.tokenTypeIds], scope, { axis: 0 })], scope);
    } else {
      // No token_type_ids input: every position is segment 0, i.e. row 0 of the table.
      const row0 = g.op('Gather', [types, g.int64(`${scope}/type0`, [0], [])], scope, { axis: 0 });
      x = g.op('Add', [x, row0], scope);
    }
  }
  return layerNorm(ctx, x, at('LayerNorm'), scope);
}

/** [batch, seq] 0/1 mask → additive [batch, 1, 1, seq] bias, as `additiveAttentionMask`. */
function attentionBias(ctx: GraphContext, mask: string): string {
  const g = ctx.graph;
  const scope = '/attention_mask';
  const inverted = g.op('Sub', [g.scalar(`${scope}/one`, 1), g.op('Cast', [mask], scope, { to: 1 })], scope);
  const bias = g.op('Mul', [inverted, g.scalar(`${scope}/min`, MASK_VALUE)], scope);
  return g.op('Unsqueeze', [bias, g.int64(`${scope}/axes`, [1, 2])], scope);
}

/** One post-LN layer, as `TransformerLayer.apply` with `scaledDotProductAttention`. */
function layer(ctx: GraphContext, x: string, bias: string, index: number): string {
  const g = ctx.graph;
  const { hiddenSize: h, numHeads } = ctx.cfg;
  const d = h / numHeads;
  const prefix = joinName(ctx.basePrefix, ctx.layout.layersPath, String(index));
  const at = (n: string) => `${prefix}.${n}`;
  const names = ctx.layout.layer;
  const scope = `/layer.${index}`;
  const heads = g.int64(`${scope}/heads_shape`, [0, 0, numHeads, d]);
  const split = (t: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, heads], scope)], scope, { perm });
  const q = split(g.op('Mul', [linear(ctx, x, at(names.query), scope), g.scalar(`${scope}/scale`, 1 / Math.sqrt(d))], scope), [0, 2, 1, 3]);
  const kT = split(linear(ctx, x, at(names.key), scope), [0, 2, 3, 1]);
  const v = split(linear(ctx, x, at(names.value), scope), [0, 2, 1, 3]);
  const scores = g.op('Add', [g.op('MatMul', [q, kT], scope), bias], scope);
  const probs = g.op('Softmax', [scores], scope, { axis: -1 });
  const context = g.op('Transpose', [g.op('MatMul', [probs, v], scope)], scope, { perm: [0, 2, 1, 3] });
  const merged = g.op('Reshape', [context, g.int64(`${scope}/hidden_shape`, [0, 0, h])], scope);
  const attended = layerNorm(ctx, g.op('Add', [x, linear(ctx, merged, at(names.attentionOutput), scope)], scope), at(names.attentionNorm), scope);
  const ffn = linear(ctx, activation(ctx, linear(ctx, attended, at(names.intermediate), scope), scope), at(names.output), scope);
  return layerNorm(ctx, g.op('Add', [attended, ffn], scope), at(names.outputNorm), scope);
}

/** The encoder's last hidden state [batch, sequence, hidden]. */
export function encoderGraph(ctx: GraphContext, inputs: EncoderInputs): string {
  const bias = attentionBias(ctx, inputs.attentionMask);
  let h = embeddings(ctx, inputs);
  for (let i = 0; i < ctx.cfg.numLayers; i++) h = layer(ctx, h, bias, i);
  return h;
}

/** h[:, 0, :]: the [CLS] / <s> state, [batch, hidden]. */
export function firstToken(ctx: GraphContext, hidden: string, scope: string): string {
  return ctx.graph.op('Gather', [hidden, ctx.graph.int64(`${scope}/first`, [0], [])], scope, { axis: 1 });
}
