import { bertLikeConfigSchema, checkHeads, labelMaps, parseConfig, type EncoderConfig } from '../config.js';
import type { EncoderFamily } from '../family.js';
import type { LayerNaming } from '../transformer-layer.js';
import { bertMaskedLm, bertSequenceClassification } from '../heads/bert-heads.js';
import { featureExtractionWithPooler } from '../heads/feature-extraction.js';

export const BERT_LAYER_NAMING: LayerNaming = {
  query: 'attention.self.query',
  key: 'attention.self.key',
  value: 'attention.self.value',
  attentionOutput: 'attention.output.dense',
  attentionNorm: 'attention.output.LayerNorm',
  intermediate: 'intermediate.dense',
  output: 'output.dense',
  outputNorm: 'output.LayerNorm',
};

/** BERT and RoBERTa share the config keys; `padDefault` differs (0 vs 1). */
export function parseBertLikeConfig(raw: unknown, source: string, padDefault: number): EncoderConfig {
  const c = parseConfig(bertLikeConfigSchema, raw, source);
  checkHeads(c.hidden_size, c.num_attention_heads, source);
  const labels = labelMaps(c);
  return {
    modelType: c.model_type,
    vocabSize: c.vocab_size,
    hiddenSize: c.hidden_size,
    numLayers: c.num_hidden_layers,
    numHeads: c.num_attention_heads,
    intermediateSize: c.intermediate_size,
    hiddenAct: c.hidden_act,
    hiddenDropout: c.hidden_dropout_prob,
    attentionDropout: c.attention_probs_dropout_prob,
    maxPositions: c.max_position_embeddings,
    typeVocabSize: c.type_vocab_size,
    layerNormEps: c.layer_norm_eps,
    padTokenId: c.pad_token_id ?? padDefault,
    initializerRange: c.initializer_range,
    classifierDropout: c.classifier_dropout ?? c.hidden_dropout_prob,
    ...labels,
    problemType: c.problem_type ?? undefined,
  };
}

export const bertFamily: EncoderFamily = {
  modelType: 'bert',
  basePrefix: 'bert',
  layout: { layersPath: 'encoder.layer', layer: BERT_LAYER_NAMING, positions: 'absolute' },
  dropoutKeys: ['hidden_dropout_prob', 'attention_probs_dropout_prob', 'classifier_dropout'],
  parseConfig: (raw, source) => parseBertLikeConfig(raw, source, 0),
  heads: {
    'sequence-classification': bertSequenceClassification,
    'masked-lm': bertMaskedLm,
    'feature-extraction': featureExtractionWithPooler,
  },
  architectures: {
    'sequence-classification': 'BertForSequenceClassification',
    'masked-lm': 'BertForMaskedLM',
    'feature-extraction': 'BertModel',
  },
};
