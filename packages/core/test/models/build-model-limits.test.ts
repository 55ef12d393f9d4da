import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import { buildModel } from '../../src/models/build-model.js';
import { isTlError } from '../../src/errors/tl-error.js';

const config = {
  model_type: 'bert', vocab_size: 50, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2,
  intermediate_size: 16, max_position_embeddings: 16, type_vocab_size: 2, num_labels: 2,
  architectures: ['BertForSequenceClassification'],
};

function configError(raw: Record<string, unknown>, spec = {}): string {
  try {
    buildModel(raw, spec, 'cfg.json').dispose();
  } catch (e) {
    expect(isTlError(e) && e.code, String(e)).toBe('CONFIG');
    return (e as Error).message;
  }
  throw new Error('buildModel accepted the config');
}

// Configs scripts/faults/fuzz-cli.mjs produced, which reached tfjs as untyped errors before.
describe('buildModel refuses configs tfjs cannot run, naming the key', () => {
  beforeAll(() => createEngine({ backend: 'cpu' }));

  it('a dropout rate of 1 (tfjs dropout takes [0, 1))', () => {
    expect(configError({ ...config, hidden_dropout_prob: 1 })).toMatch(/^cfg\.json: "hidden_dropout_prob": /);
    expect(configError({ ...config, model_type: 'distilbert', dim: 8, n_layers: 1, n_heads: 2, hidden_dim: 16, attention_dropout: 1, architectures: undefined })).toMatch(/"attention_dropout"/);
    expect(configError(config, { dropout: 1 })).toBe('dropout must be within [0, 1), got 1');
  });

  it('sizes that multiply past what a typed array holds', () => {
    expect(configError({ ...config, vocab_size: 3e9 })).toMatch(/^cfg\.json: the model it describes cannot be allocated \(vocab_size 3000000000, hidden_size 8, .*\): /);
  });
});
