/**
 * murmur3's 32-bit finaliser: a bijection on u32 with full avalanche (every input bit flips each
 * output bit with probability ~1/2). tl uses it wherever integers must become unrelated-looking
 * ones deterministically: dropout seeds and masks, hashed dataset splits.
 */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
