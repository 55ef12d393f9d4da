import { TlError } from '@tl/core';

export type SplitName = 'train' | 'validation' | 'test';

export interface SplitFractions {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

export const DEFAULT_SPLIT: SplitFractions = { train: 0.8, validation: 0.1, test: 0.1 };

/**
 * Assigns an item to a split by a hash of its stable id (FNV-1a, 32 bit), not by its position: the
 * split of an item never changes when the corpus is re-ordered, filtered or grows, and needs no seed.
 */
export function splitOf(id: string, fractions: SplitFractions = DEFAULT_SPLIT): SplitName {
  const { train, validation, test } = fractions;
  const total = train + validation + test;
  if (![train, validation, test].every((f) => f >= 0) || Math.abs(total - 1) > 1e-9) {
    throw new TlError('CONFIG', `split fractions must be >= 0 and sum to 1, got train ${train}, validation ${validation}, test ${test}`);
  }
  const u = fnv1a(id) / 4294967296;
  return u < train ? 'train' : u < train + validation ? 'validation' : 'test';
}

/** FNV-1a over the UTF-16 code units, as an unsigned 32-bit integer. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
