import { TlError } from '../../errors/tl-error.js';

export interface LearnSubwordsOptions {
  /** Vocabulary size to reach (special tokens not included). */
  readonly size: number;
  /** Pairs seen fewer times than this are never merged (default 2). */
  readonly minFrequency?: number;
  /** Keep only the most frequent characters (default 1000, as HF's BertWordPieceTokenizer). */
  readonly limitAlphabet?: number;
  /** Marks a token that continues a word (WordPiece `##`). */
  readonly continuingSubwordPrefix?: string;
}

/** Pair keys pack two symbol ids into one number; ids stay below 2^21 so the key is an exact double. */
const ID_LIMIT = 1 << 21;
const pairKey = (a: number, b: number) => a * ID_LIMIT + b;

/** A max-heap of (count, pair) with lazy deletion: stale entries are skipped when popped. */
class PairHeap {
  private readonly items: [number, number][] = [];
  get size(): number {
    return this.items.length;
  }
  push(count: number, key: number): void {
    const a = this.items;
    a.push([count, key]);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): [number, number] | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
  /** Higher count first; ties broken by the smaller pair key (older symbols), so runs are deterministic. */
  private before(x: [number, number], y: [number, number]): boolean {
    return x[0] > y[0] || (x[0] === y[0] && x[1] < y[1]);
  }
}

/**
 * Learns a WordPiece vocabulary the way HF's `WordPieceTrainer` does: byte-pair-encoding merges over
 * word counts, where every symbol after a word's first carries the continuation prefix (`un ##hap
 * ##py`), so merged tokens are valid WordPiece entries (`##py`, `happy`). Starts from the alphabet
 * (each kept character, alone and as `##c`), then repeatedly merges the most frequent adjacent pair
 * until `size` tokens exist or no pair is frequent enough. Pair counts are updated incrementally
 * (only words holding the merged pair are touched), so training on ~10^5 distinct words takes seconds.
 *
 * Returns the tokens, alphabet first, then merges in the order learned.
 */
export function learnSubwords(wordCounts: ReadonlyMap<string, number>, options: LearnSubwordsOptions): string[] {
  const prefix = options.continuingSubwordPrefix ?? '##';
  const minFrequency = options.minFrequency ?? 2;
  if (!Number.isInteger(options.size) || options.size < 1 || options.size >= ID_LIMIT) {
    throw new TlError('CONFIG', `tokenizer training: vocabulary size must be an integer in [1, ${ID_LIMIT}), got ${options.size}`);
  }

  // The alphabet: the most frequent characters, ties by code point.
  const charCounts = new Map<string, number>();
  for (const [word, n] of wordCounts) for (const c of word) charCounts.set(c, (charCounts.get(c) ?? 0) + n);
  const alphabet = new Set(
    [...charCounts]
      .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
      .slice(0, options.limitAlphabet ?? 1000)
      .map(([c]) => c),
  );

  const tokens: string[] = [];
  const idOf = new Map<string, number>();
  const intern = (token: string): number => {
    let id = idOf.get(token);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(token);
      idOf.set(token, id);
    }
    return id;
  };
  // Initial symbols in a fixed order: word-initial characters, then continuations, each sorted.
  const initial = new Set<string>();
  const continued = new Set<string>();
  const words: number[][] = [];
  const counts: number[] = [];
  const kept = [...wordCounts].filter(([w]) => [...w].every((c) => alphabet.has(c))).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  for (const [word] of kept) {
    const chars = [...word];
    initial.add(chars[0]!);
    for (const c of chars.slice(1)) continued.add(prefix + c);
  }
  for (const s of [...initial].sort()) intern(s);
  for (const s of [...continued].sort()) intern(s);
  for (const [word, n] of kept) {
    const chars = [...word];
    words.push(chars.map((c, i) => idOf.get(i === 0 ? c : prefix + c)!));
    counts.push(n);
  }

  // Pair statistics over all words, and which words hold each pair (a superset: entries may be stale).
  const pairCounts = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  const add = (a: number, b: number, n: number, word: number) => {
    const k = pairKey(a, b);
    pairCounts.set(k, (pairCounts.get(k) ?? 0) + n);
    if (n > 0) {
      let s = where.get(k);
      if (!s) where.set(k, (s = new Set()));
      s.add(word);
    }
  };
  words.forEach((w, i) => {
    for (let j = 0; j + 1 < w.length; j++) add(w[j]!, w[j + 1]!, counts[i]!, i);
  });
  const heap = new PairHeap();
  for (const [k, n] of pairCounts) heap.push(n, k);

  while (tokens.length < options.size && heap.size > 0) {
    const [count, key] = heap.pop()!;
    if (pairCounts.get(key) !== count) continue; // stale entry
    if (count < minFrequency) break;
    const a = Math.floor(key / ID_LIMIT);
    const b = key % ID_LIMIT;
    const right = tokens[b]!;
    const merged = intern(tokens[a]! + (right.startsWith(prefix) ? right.slice(prefix.length) : right));
    const changed = new Set<number>();
    const track = (x: number, y: number, n: number, word: number) => {
      add(x, y, n, word);
      changed.add(pairKey(x, y));
    };
    for (const wi of where.get(key) ?? []) {
      const w = words[wi]!;
      const n = counts[wi]!;
      for (let i = 0; i + 1 < w.length; i++) {
        if (w[i] !== a || w[i + 1] !== b) continue;
        if (i > 0) {
          track(w[i - 1]!, a, -n, wi);
          track(w[i - 1]!, merged, n, wi);
        }
        if (i + 2 < w.length) {
          track(b, w[i + 2]!, -n, wi);
          track(merged, w[i + 2]!, n, wi);
        }
        track(a, b, -n, wi);
        w.splice(i, 2, merged);
      }
    }
    where.delete(key);
    for (const k of changed) {
      const n = pairCounts.get(k)!;
      if (n > 0) heap.push(n, k);
      else pairCounts.delete(k);
    }
  }
  return tokens;
}
