import { describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../src/tokenization/text-tokenizer.js';
import { FIXTURES, PAIR_TEXTS, TEXTS, fixtureDir, readReference, type FixtureName } from './hf-tiny.js';

// How each fixture's reference inputs were produced (README, checked against reference.json): BERT
// models see text pairs, DistilBERT and RoBERTa single texts; longest_first truncation at this length.
const BATCH_SETUP: Record<FixtureName, { pairs: boolean; maxLength: number }> = {
  'bert-cls': { pairs: true, maxLength: 56 },
  'bert-mlm': { pairs: true, maxLength: 56 },
  'distilbert-cls': { pairs: false, maxLength: 56 },
  'roberta-cls': { pairs: false, maxLength: 60 },
};

describe.each(FIXTURES)('%s tokenizer against HF transformers', (name) => {
  const reference = readReference(name);

  it('encodes every tokenizer probe to the same ids and tokens', async () => {
    const tokenizer = await TextTokenizer.fromFolder(fixtureDir(name));
    expect(reference.tokenizer_probes.length).toBeGreaterThan(10);
    for (const probe of reference.tokenizer_probes) {
      const encoded = tokenizer.encode(probe.text);
      expect({ text: probe.text, ids: encoded.ids, tokens: encoded.tokens }).toEqual({
        text: probe.text,
        ids: probe.input_ids,
        tokens: probe.tokens,
      });
    }
  });

  it('reproduces reference.json inputs with encodeBatch', async () => {
    const tokenizer = await TextTokenizer.fromFolder(fixtureDir(name));
    const { pairs, maxLength } = BATCH_SETUP[name];
    const inputs = TEXTS.map((text, i) => (pairs ? { text, textPair: PAIR_TEXTS[i]! } : { text }));
    const batch = tokenizer.encodeBatch(inputs, { maxLength, padding: 'longest', truncation: 'longest_first' });

    let expectedIds = reference.inputs.input_ids;
    if (name === 'bert-mlm') {
      // The MLM reference shows the inputs after masking: put the original ids (the labels) back.
      expectedIds = expectedIds.map((row) => [...row]);
      for (const [r, c] of reference.mask_positions!) expectedIds[r]![c] = reference.mlm_labels![r]![c]!;
      const mask = tokenizer.specialTokenIds.mask!;
      for (const [r, c] of reference.mask_positions!) expect(reference.inputs.input_ids[r]![c]).toBe(mask);
    }
    expect(batch.inputIds).toEqual(expectedIds);
    expect(batch.attentionMask).toEqual(reference.inputs.attention_mask);
    if (reference.inputs.token_type_ids !== undefined) {
      expect(batch.tokenTypeIds).toEqual(reference.inputs.token_type_ids);
    } else if (name === 'roberta-cls') {
      // RoBERTa's model_input_names has no token_type_ids, so none are returned, as in HF.
      expect(batch.tokenTypeIds).toBeUndefined();
    } else {
      // DistilBERT's saved config lists token_type_ids (the reference dropped them because the model takes
      // none); single texts give all zeros.
      expect(batch.tokenTypeIds?.flat().every((t) => t === 0)).toBe(true);
    }
  });
});
