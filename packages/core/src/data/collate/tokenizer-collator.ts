import { TlError } from '../../errors/tl-error.js';
import { encodeBatch } from '../../tokenization/encode-batch.js';
import type { TextTokenizer } from '../../tokenization/text-tokenizer.js';
import { PaddingCollator } from './padding-collator.js';

export interface TokenizerCollatorOptions {
  /** Truncation limit (HF `longest_first` for pairs); default the tokenizer's `model_max_length`. */
  readonly maxLength?: number;
  readonly padToMultipleOf?: number;
  /** Default: as the tokenizer config's `model_input_names` says (none for DistilBERT). */
  readonly returnTokenTypeIds?: boolean;
  /** `float32` for regression labels. */
  readonly labelDtype?: 'int32' | 'float32';
}

/**
 * The collator for a real checkpoint: each example is encoded once by the HF tokenizer (special
 * tokens, `longest_first` truncation, type ids exactly as `tokenizer(text, pair, truncation=True)`)
 * and batches are padded dynamically with the tokenizer's pad token, on its padding side.
 */
export function tokenizerCollator(tokenizer: TextTokenizer, options: TokenizerCollatorOptions = {}): PaddingCollator {
  const padTokenId = tokenizer.specialTokenIds.pad;
  if (padTokenId === undefined) throw new TlError('TOKENIZER', `${tokenizer.source}: the tokenizer has no pad token, so batches cannot be padded`);
  return new PaddingCollator({
    padTokenId,
    paddingSide: tokenizer.paddingSide,
    ...(options.padToMultipleOf !== undefined && { padToMultipleOf: options.padToMultipleOf }),
    ...(options.labelDtype !== undefined && { labelDtype: options.labelDtype }),
    encode: (text, textPair) => {
      const enc = encodeBatch(tokenizer, [textPair === undefined ? { text } : { text, textPair }], {
        padding: false,
        truncation: 'longest_first',
        ...(options.maxLength !== undefined && { maxLength: options.maxLength }),
        ...(options.returnTokenTypeIds !== undefined && { returnTokenTypeIds: options.returnTokenTypeIds }),
      });
      return { inputIds: enc.inputIds[0]!, ...(enc.tokenTypeIds && { tokenTypeIds: enc.tokenTypeIds[0]! }) };
    },
  });
}
