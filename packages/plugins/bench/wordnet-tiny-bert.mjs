/**
 * The small BERT the strategy study transfers from: a WordPiece tokenizer built from the training
 * glosses (whole words + characters), and a 2-layer BERT masked-LM pretrained on those glosses for a
 * few minutes on the CPU. Both are written in HF format into a cache folder and reused by later runs.
 * There is no large pretrained checkpoint offline; this is small but real pretraining, so the
 * strategies transfer something (see the README of the study for what that means for the numbers).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel, savePretrained, SeededRandom, TextTokenizer, tokenizerCollator, Trainer } from '@tl/core';

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

/** BertPreTokenizer's split, lowercased: words and single punctuation marks. */
function words(text) {
  return text.toLowerCase().match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? [];
}

/** An HF tokenizer.json (WordPiece) whose vocabulary is the specials, every character (and ##char), then the most frequent words. */
export function buildTokenizerJson(texts, vocabSize) {
  const counts = new Map();
  const chars = new Set();
  for (const t of texts) for (const w of words(t)) {
    counts.set(w, (counts.get(w) ?? 0) + 1);
    for (const c of w) chars.add(c);
  }
  const vocab = [...SPECIALS];
  const sortedChars = [...chars].sort();
  for (const c of sortedChars) vocab.push(c);
  for (const c of sortedChars) vocab.push(`##${c}`);
  const seen = new Set(vocab);
  for (const [w] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    if (vocab.length >= vocabSize) break;
    if (!seen.has(w)) vocab.push(w), seen.add(w);
  }
  const special = (content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const tok = (id, type) => ({ SpecialToken: { id, type_id: type } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((s, i) => special(s, i)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [tok('[CLS]', 0), { Sequence: { id: 'A', type_id: 0 } }, tok('[SEP]', 0)],
      pair: [tok('[CLS]', 0), { Sequence: { id: 'A', type_id: 0 } }, tok('[SEP]', 0), { Sequence: { id: 'B', type_id: 1 } }, tok('[SEP]', 1)],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((w, i) => [w, i])) },
  };
}

export const TOKENIZER_CONFIG = {
  cls_token: '[CLS]', mask_token: '[MASK]', pad_token: '[PAD]', sep_token: '[SEP]', unk_token: '[UNK]',
  model_input_names: ['input_ids', 'token_type_ids', 'attention_mask'], model_max_length: 64, do_lower_case: true, tokenizer_class: 'BertTokenizer',
};

export function bertConfig(vocabSize) {
  return {
    architectures: ['BertForMaskedLM'], model_type: 'bert', vocab_size: vocabSize, hidden_size: 64, num_hidden_layers: 2,
    num_attention_heads: 2, intermediate_size: 128, hidden_act: 'gelu', hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1,
    max_position_embeddings: 64, type_vocab_size: 2, initializer_range: 0.02, layer_norm_eps: 1e-12, pad_token_id: 0, tie_word_embeddings: true,
  };
}

/** BERT's masking (HF DataCollatorForLanguageModeling): 15% of tokens predicted; of those 80% [MASK], 10% random, 10% kept. */
export class MaskingCollator {
  constructor(tokenizer, maxLength, seed) {
    this.inner = tokenizerCollator(tokenizer, { maxLength });
    this.tokenizer = tokenizer;
    this.random = new SeededRandom(seed);
  }
  lengthOf(e) {
    return this.inner.lengthOf(e);
  }
  collate(examples) {
    const batch = this.inner.collate(examples);
    const [b, s] = batch.inputs.inputIds.shape;
    const ids = Int32Array.from(batch.inputs.inputIds.dataSync());
    const mask = batch.inputs.attentionMask.dataSync();
    const labels = new Int32Array(b * s).fill(-100);
    const special = this.tokenizer.allSpecialIds;
    const maskId = this.tokenizer.specialTokenIds.mask;
    for (let i = 0; i < ids.length; i++) {
      if (mask[i] === 0 || special.has(ids[i])) continue;
      if (this.random.next() >= 0.15) continue;
      labels[i] = ids[i];
      const r = this.random.next();
      if (r < 0.8) ids[i] = maskId;
      else if (r < 0.9) ids[i] = SPECIALS.length + this.random.int(this.tokenizer.vocabSize - SPECIALS.length);
    }
    tf.dispose([batch.inputs.inputIds, batch.labels]);
    return { ...batch, inputs: { ...batch.inputs, inputIds: tf.tensor2d(ids, [b, s], 'int32') }, labels: tf.tensor2d(labels, [b, s], 'int32') };
  }
}

/** Writes (once) and returns the folder of the pretrained tiny BERT masked-LM. */
export async function pretrainedTinyBert({ dir, texts, vocabSize = 3000, steps = 1200, batchSize = 32, log = console.error }) {
  if (existsSync(join(dir, 'model.safetensors'))) return { dir, seconds: 0, cached: true };
  await mkdir(dir, { recursive: true });
  const tokenizerJson = buildTokenizerJson(texts, vocabSize);
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(TOKENIZER_CONFIG, null, 2));
  const tokenizer = await TextTokenizer.fromFolder(dir);
  const model = buildModel(bertConfig(tokenizer.vocabSize), { task: 'masked-lm', seed: 0 });
  const trainer = new Trainer({
    model,
    collator: new MaskingCollator(tokenizer, 48, 0),
    args: { maxSteps: steps, batchSize, learningRate: 1e-3, warmupRatio: 0.05, weightDecay: 0.01, seed: 0, outputDir: join(dir, 'run') },
  });
  const t0 = performance.now();
  trainer.events.on('stepEnd', (ctx) => {
    if (ctx.state.step % 100 === 0) log(`pretrain step ${ctx.state.step}/${steps} loss ${ctx.loss.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  });
  await trainer.fit(texts.map((text) => ({ text, label: 0 })));
  await savePretrained(dir, model);
  trainer.dispose();
  model.dispose();
  return { dir, seconds: (performance.now() - t0) / 1000, cached: false };
}
