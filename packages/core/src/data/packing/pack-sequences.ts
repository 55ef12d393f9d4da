import { TlError } from '../../errors/tl-error.js';
import type { TextTokenizer } from '../../tokenization/text-tokenizer.js';
import type { Example } from '../../training/trainer.js';
import type { EncodedExample } from '../collate/padding-collator.js';

/**
 * An example that is already token ids (a packed block): collators use `encoded` instead of
 * tokenizing `text`, and `key` where they need a stable identity (evaluation masks).
 */
export interface PreEncodedExample extends Example {
  readonly encoded: EncodedExample;
  readonly key: string;
}

export function isPreEncoded(example: Example): example is PreEncodedExample {
  return (example as Partial<PreEncodedExample>).encoded !== undefined;
}

export interface PackSequencesOptions {
  /** Block length in tokens. */
  readonly maxLength: number;
  /** Called every `progressEvery` texts (done, total): tokenizing a large corpus takes a while. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
}

export interface PackedCorpus {
  readonly blocks: PreEncodedExample[];
  /** Tokens of the corpus with special tokens, before the remainder was dropped. */
  readonly tokens: number;
  /** Tokens dropped at the end (fewer than one block). */
  readonly dropped: number;
}

/**
 * Sequence packing as HF's `group_texts` (run_mlm.py): every text is tokenized with its special
 * tokens (`[CLS] text [SEP]`), the ids of all texts are concatenated in order, and the stream is cut
 * into blocks of exactly `maxLength`; the last, shorter piece is dropped. No block is padded, so
 * every position of every batch trains, and short lines (glosses) share blocks instead of each
 * paying for a padded sequence. Texts longer than a block continue into the next one.
 */
export async function packSequences(tokenizer: TextTokenizer, texts: readonly string[], o: PackSequencesOptions): Promise<PackedCorpus> {
  if (!Number.isInteger(o.maxLength) || o.maxLength < 2) throw new TlError('CONFIG', `packing needs a block length >= 2, got ${o.maxLength}`);
  const every = o.progressEvery ?? 2000;
  let stream = new Int32Array(1 << 20);
  let length = 0;
  for (let i = 0; i < texts.length; i++) {
    const ids = tokenizer.encode(texts[i]!).ids;
    if (length + ids.length > stream.length) {
      const grown = new Int32Array(Math.max(stream.length * 2, length + ids.length));
      grown.set(stream.subarray(0, length));
      stream = grown;
    }
    stream.set(ids, length);
    length += ids.length;
    if ((i + 1) % every === 0) {
      o.onProgress?.(i + 1, texts.length);
      // Tokenizing is synchronous: yield now and then so progress bars and timers run.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  o.onProgress?.(texts.length, texts.length);
  const n = Math.floor(length / o.maxLength);
  const blocks: PreEncodedExample[] = [];
  const types = tokenizer.modelInputNames.includes('token_type_ids') ? new Array<number>(o.maxLength).fill(0) : undefined;
  for (let b = 0; b < n; b++) {
    const inputIds = Array.from(stream.subarray(b * o.maxLength, (b + 1) * o.maxLength));
    blocks.push({ text: '', label: 0, key: `block:${b}`, encoded: { inputIds, ...(types && { tokenTypeIds: types }) } });
  }
  return { blocks, tokens: length, dropped: length - n * o.maxLength };
}
