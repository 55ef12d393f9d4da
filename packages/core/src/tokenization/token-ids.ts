import { TlError } from '../errors/tl-error.js';

/**
 * The largest token id tl accepts. No real vocabulary comes near it (the largest have ~1M entries),
 * and @huggingface/tokenizers stores the vocabulary as an array indexed by id and walks it from 0 to
 * the largest id: one stray id of 3e9 in tokenizer.json made loading spin for minutes (found by
 * scripts/faults/fuzz-cli.mjs).
 */
export const MAX_TOKEN_ID = 2 ** 24;

/**
 * Checks the ids of tokenizer.json's `model.vocab` (when it maps tokens to ids: WordPiece, BPE,
 * WordLevel; Unigram's list has implicit ids) and of `added_tokens`: each an integer in
 * [0, MAX_TOKEN_ID), named with its token when not.
 */
export function checkTokenIds(json: Record<string, unknown>, source: string): void {
  const vocab = (json.model as { vocab?: unknown }).vocab;
  if (typeof vocab === 'object' && vocab !== null && !Array.isArray(vocab)) {
    for (const [token, id] of Object.entries(vocab)) checkId(id, `model.vocab[${JSON.stringify(token)}]`, source);
  }
  if (Array.isArray(json.added_tokens)) {
    json.added_tokens.forEach((t: unknown, i) => {
      if (typeof t !== 'object' || t === null) throw new TlError('TOKENIZER', `${source}: added_tokens[${i}] must be an object, got ${JSON.stringify(t)}`);
      checkId((t as { id?: unknown }).id, `added_tokens[${i}].id`, source);
    });
  }
}

function checkId(id: unknown, where: string, source: string): void {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= MAX_TOKEN_ID) {
    throw new TlError('TOKENIZER', `${source}: ${where} is ${JSON.stringify(id)}; token ids are integers from 0 to ${MAX_TOKEN_ID - 1}`);
  }
}
