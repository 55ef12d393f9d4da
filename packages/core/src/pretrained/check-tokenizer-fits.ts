import { join } from 'node:path';
import { TlError } from '../errors/tl-error.js';
import type { EncoderConfig } from '../models/config.js';
import type { TextTokenizer } from '../tokenization/text-tokenizer.js';

/**
 * A tokenizer.json and a config.json from the same folder must agree: every token id the tokenizer
 * can emit has a row in the word embeddings, and every token type id of its template one in the
 * token type embeddings. Otherwise the first forward pass fails inside tfjs's gather with an index
 * that names no file (found by scripts/faults/fuzz-cli.mjs).
 */
export function checkTokenizerFitsModel(tokenizer: TextTokenizer, config: EncoderConfig, dir: string): void {
  if (tokenizer.maxTokenId >= config.vocabSize) {
    throw new TlError(
      'TOKENIZER',
      `${join(dir, 'tokenizer.json')}: token id ${tokenizer.maxTokenId} is outside the model's vocabulary (vocab_size ${config.vocabSize} in ${join(dir, 'config.json')})`,
    );
  }
  // Families without segment embeddings (DistilBERT) ignore type ids.
  if (config.typeVocabSize === 0) return;
  for (const piece of [...tokenizer.template.single, ...tokenizer.template.pair]) {
    if (piece.typeId >= config.typeVocabSize) {
      throw new TlError(
        'TOKENIZER',
        `${join(dir, 'tokenizer.json')}: post_processor type_id ${piece.typeId} is outside the model's token types (type_vocab_size ${config.typeVocabSize} in ${join(dir, 'config.json')})`,
      );
    }
  }
}
