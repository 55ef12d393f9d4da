import { BERT_LAYER_NAMING, parseBertLikeConfig } from '../bert/bert-family.js';
import type { EncoderFamily } from '../family.js';
import { featureExtractionWithPooler } from '../heads/feature-extraction.js';
import { robertaSequenceClassification } from '../heads/roberta-heads.js';

/** RoBERTa: BERT's layers and names under `roberta.`, padding-offset positions, its own classifier. */
export const robertaFamily: EncoderFamily = {
  modelType: 'roberta',
  basePrefix: 'roberta',
  layout: { layersPath: 'encoder.layer', layer: BERT_LAYER_NAMING, positions: 'padding-offset' },
  dropoutKeys: ['hidden_dropout_prob', 'attention_probs_dropout_prob', 'classifier_dropout'],
  parseConfig: (raw, source) => parseBertLikeConfig(raw, source, 1),
  heads: {
    'sequence-classification': robertaSequenceClassification,
    'feature-extraction': featureExtractionWithPooler,
  },
  architectures: {
    'sequence-classification': 'RobertaForSequenceClassification',
    'feature-extraction': 'RobertaModel',
  },
};
