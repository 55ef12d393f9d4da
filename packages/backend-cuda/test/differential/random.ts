import type * as tfjs from '@tensorflow/tfjs-core';

type Tf = typeof tfjs;

/** Deterministic inputs: the same seed gives bit-identical tensors on every backend. */
export class Inputs {
  private state: number;
  constructor(
    private readonly tf: Tf,
    seed: number,
  ) {
    this.state = seed >>> 0;
  }

  /** mulberry32: small, fast, good enough for test data. */
  private next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private size(shape: number[]): number {
    return shape.reduce((a, b) => a * b, 1);
  }

  float(shape: number[], lo = -2, hi = 2): tfjs.Tensor {
    const v = new Float32Array(this.size(shape));
    for (let i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * this.next();
    return this.tf.tensor(v, shape, 'float32');
  }

  /** Integers in [lo, hi). */
  int(shape: number[], lo: number, hi: number): tfjs.Tensor {
    const v = new Int32Array(this.size(shape));
    for (let i = 0; i < v.length; i++) v[i] = lo + Math.floor((hi - lo) * this.next());
    return this.tf.tensor(v, shape, 'int32');
  }

  /** Non-zero integers in [lo, hi) (divisors). */
  nonZeroInt(shape: number[], lo: number, hi: number): tfjs.Tensor {
    const v = new Int32Array(this.size(shape));
    for (let i = 0; i < v.length; i++) {
      let x = 0;
      while (x === 0) x = lo + Math.floor((hi - lo) * this.next());
      v[i] = x;
    }
    return this.tf.tensor(v, shape, 'int32');
  }

  bool(shape: number[]): tfjs.Tensor {
    const v = new Uint8Array(this.size(shape));
    for (let i = 0; i < v.length; i++) v[i] = this.next() < 0.5 ? 1 : 0;
    return this.tf.tensor(v, shape, 'bool');
  }

  /** Distinct values (a shuffled range, scaled): for ops whose tie-breaking differs (TopK). */
  distinct(shape: number[]): tfjs.Tensor {
    const n = this.size(shape);
    const v = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [v[i], v[j]] = [v[j]!, v[i]!];
    }
    return this.tf.tensor(Float32Array.from(v, (x) => x / 8 - n / 16), shape, 'float32');
  }
}
