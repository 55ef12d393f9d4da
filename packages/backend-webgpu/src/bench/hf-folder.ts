import type { BertShape } from './bert-shaped.js';

/**
 * Just enough of the HF folder format for the browser example and the device benchmark to start from
 * a real checkpoint: F32 safetensors and a BERT config. @tl/core's loader (bounds-checked, every
 * dtype, tied weights) is the real one; this stand-in goes once the example runs @tl/core's model.
 */
export type NamedArrays = Map<string, { shape: number[]; values: Float32Array }>;

export function parseSafetensorsF32(bytes: ArrayBuffer): NamedArrays {
  const view = new DataView(bytes);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen <= 0 || 8 + headerLen > bytes.byteLength) throw new Error(`safetensors: header length ${headerLen} outside the file`);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 8, headerLen))) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLen;
  const out: NamedArrays = new Map();
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (t.dtype !== 'F32') throw new Error(`safetensors: ${name} is ${t.dtype}; this stand-in reads F32 only`);
    const [begin, end] = t.data_offsets;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * 4 || base + end > bytes.byteLength) throw new Error(`safetensors: ${name} has bad offsets`);
    // Copy: the data section need not be 4-byte aligned for a Float32Array view.
    out.set(name, { shape: t.shape, values: new Float32Array(bytes.slice(base + begin, base + end)) });
  }
  return out;
}

interface BertConfig {
  readonly num_hidden_layers: number;
  readonly hidden_size: number;
  readonly num_attention_heads: number;
  readonly intermediate_size: number;
  readonly vocab_size: number;
  readonly max_position_embeddings: number;
  readonly type_vocab_size: number;
  readonly layer_norm_eps: number;
  readonly id2label?: Record<string, string>;
}

export function bertShapeFromConfig(config: BertConfig): BertShape {
  return {
    layers: config.num_hidden_layers,
    hidden: config.hidden_size,
    heads: config.num_attention_heads,
    intermediate: config.intermediate_size,
    vocab: config.vocab_size,
    maxPositions: config.max_position_embeddings,
    typeVocab: config.type_vocab_size,
    layerNormEps: config.layer_norm_eps,
    labels: config.id2label ? Object.keys(config.id2label).length : 2,
  };
}
