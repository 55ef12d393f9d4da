import { fmix32, TlError } from '@tl/core';
import { fnv1a, type SplitFractions, type SplitName } from './hash-split.js';

/**
 * FNV-1a followed by murmur3's finaliser. FNV-1a alone mixes its last characters into the low bits
 * only, so ids that differ in their last digits (`00041`, `00042`) get nearly equal high bits; the
 * finaliser spreads every input bit over the whole word.
 */
export function mixedHash(text: string): number {
  return fmix32(fnv1a(text));
}

/**
 * Splits items per stratum in exact proportions: within a stratum, items are ordered by a hash of
 * their id (ties by id) and cut at the fractions. Deterministic without a seed and independent of
 * the input order; a small stratum still reaches every split when its share rounds to one or more.
 */
export function stratifiedSplit<T>(
  items: readonly T[],
  idOf: (item: T) => string,
  stratumOf: (item: T) => string,
  fractions: SplitFractions,
): Record<SplitName, T[]> {
  const { train, validation, test } = fractions;
  if (![train, validation, test].every((f) => f >= 0) || Math.abs(train + validation + test - 1) > 1e-9) {
    throw new TlError('CONFIG', `split fractions must be >= 0 and sum to 1, got train ${train}, validation ${validation}, test ${test}`);
  }
  const strata = new Map<string, { item: T; id: string; hash: number }[]>();
  for (const item of items) {
    const s = stratumOf(item);
    const id = idOf(item);
    let list = strata.get(s);
    if (!list) strata.set(s, (list = []));
    list.push({ item, id, hash: mixedHash(id) });
  }
  const out: Record<SplitName, T[]> = { train: [], validation: [], test: [] };
  for (const s of [...strata.keys()].sort()) {
    const list = strata.get(s)!.sort((a, b) => a.hash - b.hash || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const nTrain = Math.round(list.length * train);
    const nValidation = Math.round(list.length * validation);
    list.forEach((x, i) => out[i < nTrain ? 'train' : i < nTrain + nValidation ? 'validation' : 'test'].push(x.item));
  }
  return out;
}
