import * as tokenizers from '@huggingface/tokenizers';

/** A text → words function: normalisation then pre-tokenisation, as the tokenizer will do at encode time. */
export type WordSplitter = (text: string) => string[];

/** tokenizer.json's `normalizer` section of a BERT tokenizer (HF `BertNormalizer`). */
export function bertNormalizerConfig(lowercase: boolean) {
  return { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase } as const;
}

interface Normalizer {
  normalize(text: string): string;
}
interface PreTokenizer {
  pre_tokenize_text(text: string): string[];
}
/** The two library classes used, restated: `export *` in its declarations does not resolve under NodeNext. */
const lib = tokenizers as unknown as {
  BertNormalizer: new (config: object) => Normalizer;
  BertPreTokenizer: new (config: object) => PreTokenizer;
};

/**
 * Splits text into words exactly as the trained tokenizer will before its WordPiece model runs: the
 * library's own BertNormalizer and BertPreTokenizer (the ones tokenizer.json will name), so training
 * counts the very words encoding later sees. 
 */
export function bertWordSplitter(lowercase: boolean): WordSplitter {
  const normalizer = new lib.BertNormalizer(bertNormalizerConfig(lowercase));
  const preTokenizer = new lib.BertPreTokenizer({ type: 'BertPreTokenizer' });
  return (text) => preTokenizer.pre_tokenize_text(normalizer.normalize(text));
}
