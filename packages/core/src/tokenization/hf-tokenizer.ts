import { Tokenizer } from '@huggingface/tokenizers';

/**
 * The part of @huggingface/tokenizers' `Tokenizer` that tl uses, restated from its
 * types/core/Tokenizer.d.ts: the package's declarations use extensionless relative imports, which
 * NodeNext resolution cannot follow, so the class would otherwise arrive typed as `any`.
 */
export interface HfTokenizer {
  encode(text: string, options?: { text_pair?: string | null; add_special_tokens?: boolean }): { ids: number[]; tokens: string[] };
  decode(ids: number[], options?: { skip_special_tokens?: boolean; clean_up_tokenization_spaces?: boolean | null }): string;
  token_to_id(token: string): number | undefined;
  id_to_token(id: number): string | undefined;
  get_vocab(withAddedTokens?: boolean): Map<string, number>;
}

/** Builds the library tokenizer from parsed tokenizer.json and tokenizer_config.json objects. */
export function createHfTokenizer(tokenizerJson: object, tokenizerConfig: object): HfTokenizer {
  return new Tokenizer(tokenizerJson, tokenizerConfig) as HfTokenizer;
}
