import { fmix32 } from '../../data/random/fmix32.js';

/**
 * The dropout seed of one micro-batch, a pure function of (run seed, optimizer step, micro-batch
 * index): a resumed run draws the same masks at step k as an uninterrupted one, with no generator
 * state to save. The three integers are mixed with murmur3's 32-bit finaliser so neighbouring steps
 * get unrelated seeds; the result fits in 31 bits (what tfjs' dropout seed accepts comfortably).
 */
export function dropoutSeed(seed: number, step: number, microBatch: number): number {
  let h = fmix32(seed >>> 0);
  h = fmix32((h ^ (step >>> 0)) >>> 0);
  h = fmix32((h ^ Math.imul(microBatch + 1, 0x9e3779b1)) >>> 0);
  return h & 0x7fffffff;
}
