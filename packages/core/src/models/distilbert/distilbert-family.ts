import { z } from 'zod';
import { checkHeads, commonConfigSchema, labelMaps, parseConfig, type EncoderConfig } from '../config.js';
import type { EncoderFamily } from '../family.js';
import { distilbertSequenceClassification } from '../heads/distilbert-heads.js';
import { featureExtractionWithoutPooler } from '../heads/feature-extraction.js';

// Below 1: a dropout rate of 1 drops everything, and tfjs refuses it (found by scripts/faults/fuzz-cli.mjs).
const rate = z.number().min(0).lt(1);
const distilbertConfigSchema = commonConfigSchema.extend({
  dim: z.number().int().positive(),
  n_layers: z.number().int().positive(),
  n_heads: z.number().int().positive(),
  hidden_dim: z.number().int().positive(),
  activation: z.string().default('gelu'),
  dropout: rate.default(0.1),
  attention_dropout: rate.default(0.1),
  seq_classif_dropout: rate.default(0.2),
});

function parseDistilbertConfig(raw: unknown, source: string): EncoderConfig {
  const c = parseConfig(distilbertConfigSchema, raw, source);
  checkHeads(c.dim, c.n_heads, source);
  return {
    modelType: c.model_type,
    vocabSize: c.vocab_size,
    hiddenSize: c.dim,
    numLayers: c.n_layers,
    numHeads: c.n_heads,
    intermediateSize: c.hidden_dim,
    hiddenAct: c.activation,
    hiddenDropout: c.dropout,
    attentionDropout: c.attention_dropout,
    maxPositions: c.max_position_embeddings,
    typeVocabSize: 0,
    // DistilBERT's LayerNorms are built with eps=1e-12 in HF regardless of config.
    layerNormEps: 1e-12,
    padTokenId: c.pad_token_id ?? 0,
    initializerRange: c.initializer_range,
    classifierDropout: c.seq_classif_dropout,
    ...labelMaps(c),
    problemType: c.problem_type ?? undefined,
  };
}

/** DistilBERT: no segment embeddings, `transformer.layer.N` with q_lin/k_lin/... names. */
export const distilbertFamily: EncoderFamily = {
  modelType: 'distilbert',
  basePrefix: 'distilbert',
  layout: {
    layersPath: 'transformer.layer',
    layer: {
      query: 'attention.q_lin',
      key: 'attention.k_lin',
      value: 'attention.v_lin',
      attentionOutput: 'attention.out_lin',
      attentionNorm: 'sa_layer_norm',
      intermediate: 'ffn.lin1',
      output: 'ffn.lin2',
      outputNorm: 'output_layer_norm',
    },
    positions: 'absolute',
  },
  dropoutKeys: ['dropout', 'attention_dropout', 'seq_classif_dropout', 'qa_dropout'],
  parseConfig: parseDistilbertConfig,
  heads: {
    'sequence-classification': distilbertSequenceClassification,
    'feature-extraction': featureExtractionWithoutPooler,
  },
  architectures: {
    'sequence-classification': 'DistilBertForSequenceClassification',
    'feature-extraction': 'DistilBertModel',
  },
};
