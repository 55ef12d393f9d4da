import { TlError } from '../../errors/tl-error.js';
import { TextTokenizer } from '../text-tokenizer.js';
import { bertNormalizerConfig, bertWordSplitter } from './bert-pre-tokenizer.js';
import { learnSubwords } from './learn-subwords.js';

/*
 * Why tl trains WordPiece itself: the npm package `tokenizers` (HF's Rust library through N-API)
 * installs offline (it ships its binaries), but its Node API exposes `Tokenizer.train(files)` with the
 * model's default trainer only: no vocabulary size, minimum frequency or special tokens, so a small
 * model cannot get a small vocabulary (it learns up to 30k tokens) and [CLS]/[MASK] are missing.
 * @huggingface/tokenizers (pure JS, what tl encodes with) and the other JS tokenizer packages cannot
 * train. The algorithm is HF's WordPieceTrainer (BPE merges with `##` continuations, learn-subwords.ts);
 * normalisation and pre-tokenisation are @huggingface/tokenizers' own, so the counted words are the
 * words encoding sees.
 */

export interface WordPieceTrainingOptions {
  /** Total vocabulary size, special tokens included (a BERT config's `vocab_size`). */
  readonly vocabSize: number;
  /** Pairs seen fewer times are not merged (default 2). */
  readonly minFrequency?: number;
  /** Most frequent characters kept (default 1000). */
  readonly limitAlphabet?: number;
  /** Lower-case and strip accents (uncased BERT; default true). */
  readonly lowercase?: boolean;
  /** `model_max_length` of tokenizer_config.json (default 512). */
  readonly modelMaxLength?: number;
}

/** The two files of an HF fast tokenizer, as parsed JSON. */
export interface TrainedTokenizerFiles {
  readonly tokenizerJson: Record<string, unknown>;
  readonly tokenizerConfig: Record<string, unknown>;
}

/** BERT's special tokens, ids 0–4 in this order (as HF's BertWordPieceTokenizer trains them). */
export const BERT_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/**
 * Trains an uncased-BERT-style WordPiece tokenizer on `texts` and returns tokenizer.json and
 * tokenizer_config.json contents, the files `fromPretrained` and HF transformers read.
 */
export function trainWordPieceTokenizer(texts: Iterable<string>, options: WordPieceTrainingOptions): TrainedTokenizerFiles {
  const special = BERT_SPECIAL_TOKENS;
  if (!Number.isInteger(options.vocabSize) || options.vocabSize <= special.length) {
    throw new TlError('CONFIG', `tokenizer training: vocab size must be an integer > ${special.length} (the special tokens), got ${options.vocabSize}`);
  }
  const lowercase = options.lowercase ?? true;
  const split = bertWordSplitter(lowercase);
  const counts = new Map<string, number>();
  let texts_ = 0;
  for (const text of texts) {
    texts_ += 1;
    for (const w of split(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  if (counts.size === 0) throw new TlError('INPUT', `tokenizer training: the corpus (${texts_} texts) has no words`);
  const learned = learnSubwords(counts, {
    size: options.vocabSize - special.length,
    ...(options.minFrequency !== undefined && { minFrequency: options.minFrequency }),
    ...(options.limitAlphabet !== undefined && { limitAlphabet: options.limitAlphabet }),
  });
  const vocab: Record<string, number> = {};
  [...special, ...learned].forEach((t, i) => (vocab[t] = i));
  const id = (t: string) => vocab[t]!;
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special.map((content) => ({ id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: bertNormalizerConfig(lowercase),
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [id(t)], tokens: [t] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
  const tokenizerConfig = {
    backend: 'tokenizers',
    tokenizer_class: 'BertTokenizer',
    do_lower_case: lowercase,
    model_max_length: options.modelMaxLength ?? 512,
    model_input_names: ['input_ids', 'token_type_ids', 'attention_mask'],
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
  };
  // Fail here, not at the first batch, if the files do not make a working tokenizer.
  TextTokenizer.fromObjects(tokenizerJson, tokenizerConfig, { tokenizerSource: 'trained tokenizer.json' });
  return { tokenizerJson, tokenizerConfig };
}
