import type * as tfjs from '@tensorflow/tfjs-core';
import type { KernelCase } from './cases.js';
import { Inputs } from './random.js';

type Tf = typeof tfjs;

export interface Output {
  readonly dtype: string;
  readonly shape: number[];
  readonly values: number[];
}

/** Runs a case on the active backend and reads its outputs back (leaving no tensors behind). */
export function evaluate(tf: Tf, c: KernelCase, seed: number): Output[] {
  const before = tf.memory().numTensors;
  const outs = tf.tidy(() => {
    const r = c.run(tf, new Inputs(tf, seed));
    return Array.isArray(r) ? r : [r];
  });
  const read = outs.map((t) => ({ dtype: t.dtype, shape: t.shape.slice(), values: Array.from(t.dataSync() as ArrayLike<number>) }));
  tf.dispose(outs);
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`${c.kernel} ${c.label}: leaked ${after - before} tensors`);
  return read;
}

function close(a: number, b: number, tol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= tol + tol * Math.abs(b);
}

/** The first difference between the backend's outputs and the reference's, or undefined. */
export function difference(got: Output[], want: Output[], tol: number, dtype?: string): string | undefined {
  if (got.length !== want.length) return `${got.length} outputs, expected ${want.length}`;
  for (let k = 0; k < want.length; k++) {
    const g = got[k]!;
    const w = want[k]!;
    const wantDtype = dtype ?? w.dtype;
    if (g.dtype !== wantDtype) return `output ${k}: dtype ${g.dtype}, expected ${wantDtype}`;
    if (g.shape.join(',') !== w.shape.join(',')) return `output ${k}: shape [${g.shape}], expected [${w.shape}]`;
    const exact = w.dtype !== 'float32' || g.dtype !== 'float32';
    for (let i = 0; i < w.values.length; i++) {
      const ok = exact ? g.values[i] === w.values[i] : close(g.values[i]!, w.values[i]!, tol);
      if (!ok) return `output ${k}[${i}]: ${g.values[i]}, expected ${w.values[i]}`;
    }
  }
  return undefined;
}
