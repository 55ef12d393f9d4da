import { TlError } from '../../errors/tl-error.js';

/**
 * A seeded PRNG whose whole state is one uint32, so a checkpoint stores it as a plain JSON number and
 * a resumed run continues the exact sequence. The generator is mulberry32 (Tommy Ettinger, public
 * domain): tiny, fast, full 2^32 period, and statistically good enough for shuffling data (it is not
 * cryptographic, and data order needs no more). seedrandom would do too, but its state is an object
 * tied to the chosen algorithm; one integer is simpler to save, diff and reason about.
 */
export class SeededRandom {
  private s: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new TlError('CONFIG', `seed must be a finite number, got ${seed}`);
    this.s = Math.trunc(seed) >>> 0;
  }

  /** The next float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  /** The generator's state: restoring it with `setState` replays the same sequence. */
  get state(): number {
    return this.s;
  }

  setState(state: number): void {
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) {
      throw new TlError('CHECKPOINT', `random state must be a uint32, got ${String(state)}`);
    }
    this.s = state;
  }
}
