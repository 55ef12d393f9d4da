import { writeFileAtomic } from '../../io/fs/atomic-write.js';
import type { EncoderModel } from '../../models/encoder-model.js';
import { TlError } from '../../errors/tl-error.js';
import { modelTensors } from '../../pretrained/save-pretrained.js';
import { classifierGraph } from './classifier-graph.js';
import { encoderGraph, type GraphContext, type WeightTable } from './encoder-graph.js';
import { FLOAT, INT64, OnnxGraph } from './onnx-graph.js';

export interface OnnxExportOptions {
  /**
   * Graph inputs besides input_ids and attention_mask: `token_type_ids` is an input for BERT (as in
   * HF's exports) and left out for RoBERTa and DistilBERT, whose tokenizers do not return it.
   * Override with the tokenizer's `modelInputNames`.
   */
  readonly inputNames?: readonly string[];
}

/** The opset whose LayerNormalization (17) the graph uses. */
export const ONNX_OPSET = 17;

/**
 * Exports a sequence-classification model as an ONNX graph (opset 17): inputs `input_ids`,
 * `attention_mask` (and `token_type_ids` for BERT), int64 [batch, sequence] with both axes dynamic;
 * output `logits` float32 [batch, num_labels]. The graph is written op by op from the model's config
 * and weights (Gather, Add, LayerNormalization, MatMul, Softmax, Erf, Tanh, ...), mirroring tl's
 * forward pass in eval mode, so onnxruntime reproduces tl's logits. Weights are the effective ones
 * (a LoRA adapter merged in). The HF folder stays the primary format; this is for serving.
 */
export async function exportOnnx(model: EncoderModel, options: OnnxExportOptions = {}): Promise<Uint8Array> {
  if (model.task !== 'sequence-classification') {
    throw new TlError('MODEL', `ONNX export handles sequence-classification models; this one is ${model.task}`);
  }
  const weights: WeightTable = new Map((await modelTensors(model)).map((e) => [e.name, { shape: e.shape, data: toFloat32(e.data) }]));
  const graph = new OnnxGraph();
  const ctx: GraphContext = { graph, cfg: model.encoderConfig, layout: model.family.layout, basePrefix: model.basePrefix, weights };
  const dims = ['batch', 'sequence'];
  const names = options.inputNames ?? (model.modelType === 'bert' ? ['input_ids', 'token_type_ids', 'attention_mask'] : ['input_ids', 'attention_mask']);
  const inputIds = graph.input('input_ids', INT64, dims);
  const attentionMask = graph.input('attention_mask', INT64, dims);
  // A family without segment embeddings (DistilBERT) gets no token_type_ids input even when asked.
  const withTypes = names.includes('token_type_ids') && model.encoderConfig.typeVocabSize > 0;
  const tokenTypeIds = withTypes ? graph.input('token_type_ids', INT64, dims) : undefined;
  const hidden = encoderGraph(ctx, { inputIds, attentionMask, ...(tokenTypeIds && { tokenTypeIds }) });
  graph.identity(classifierGraph(ctx, model.modelType, hidden), 'logits');
  graph.output('logits', FLOAT, ['batch', model.encoderConfig.numLabels]);
  return graph.encode({
    graphName: `${model.modelType}-sequence-classification`,
    opset: ONNX_OPSET,
    producer: 'tl',
    docString: `${String(model.config['architectures'] ?? model.modelType)} exported by tl`,
    metadata: { id2label: JSON.stringify(model.encoderConfig.id2label) },
  });
}

/** Writes `exportOnnx`'s graph to `path` atomically; returns its size in bytes. */
export async function writeOnnx(path: string, model: EncoderModel, options: OnnxExportOptions = {}): Promise<number> {
  const bytes = await exportOnnx(model, options);
  await writeFileAtomic(path, bytes);
  return bytes.byteLength;
}

/** modelTensors writes F32 entries as Float32Array; anything else would be a contract change. */
function toFloat32(data: ArrayBufferView): Float32Array {
  if (!(data instanceof Float32Array)) throw new TlError('MODEL', 'ONNX export: expected float32 weights from modelTensors');
  return data;
}
