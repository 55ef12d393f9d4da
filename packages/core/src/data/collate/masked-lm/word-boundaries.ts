import { TlError } from '../../../errors/tl-error.js';

/**
 * How a tokenizer marks where words start, read off its tokens: WordPiece marks continuations
 * (`##ing`), byte-level BPE and SentencePiece mark word starts (`Ġword`, `▁word`). Whole-word masking
 * groups a word's tokens with it; the library tl tokenizes with does not report word ids, and the
 * token spelling carries the same information for these three models.
 */
export type WordBoundary =
  | { readonly kind: 'continuation-prefix'; readonly prefix: string }
  | { readonly kind: 'word-start-prefix'; readonly prefix: string };

/** The boundary rule of a tokenizer.json (WordPiece, byte-level BPE, Metaspace/Unigram). */
export function wordBoundaryOf(tokenizerJson: unknown, source = 'tokenizer.json'): WordBoundary {
  const json = (tokenizerJson ?? {}) as { model?: { type?: unknown; continuing_subword_prefix?: unknown }; pre_tokenizer?: unknown };
  const model = json.model ?? {};
  if (model.type === 'WordPiece') {
    const prefix = typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : '##';
    return { kind: 'continuation-prefix', prefix };
  }
  const pre = JSON.stringify(json.pre_tokenizer ?? null);
  if (pre.includes('"ByteLevel"')) return { kind: 'word-start-prefix', prefix: 'Ġ' };
  if (pre.includes('"Metaspace"') || model.type === 'Unigram') return { kind: 'word-start-prefix', prefix: '▁' };
  throw new TlError('TOKENIZER', `${source}: whole-word masking needs a WordPiece, byte-level BPE or Metaspace tokenizer, got model ${String(model.type)}`);
}

/**
 * Word index of every token (-1 for special tokens): consecutive tokens share an index while they
 * belong to one word. A special token always ends the word before it.
 */
export function wordIds(tokens: readonly string[], special: readonly boolean[], boundary: WordBoundary): number[] {
  const ids: number[] = [];
  let word = -1;
  let previousSpecial = true;
  for (let i = 0; i < tokens.length; i++) {
    if (special[i]) {
      ids.push(-1);
      previousSpecial = true;
      continue;
    }
    const token = tokens[i]!;
    const starts =
      previousSpecial ||
      (boundary.kind === 'continuation-prefix' ? !token.startsWith(boundary.prefix) : token.startsWith(boundary.prefix));
    if (starts) word += 1;
    ids.push(word);
    previousSpecial = false;
  }
  return ids;
}
