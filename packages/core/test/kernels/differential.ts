import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { CpuBackend } from '../../src/backend/cpu-backend.js';
import { WasmBackend } from '../../src/backend/wasm-backend.js';

/**
 * Differential testing of tl's wasm kernels against tfjs's `cpu` backend: the same inputs (plain
 * arrays, so nothing is shared between backends) run on both, and the outputs must agree.
 */
export async function initBackends(): Promise<void> {
  await new CpuBackend().init();
  await new WasmBackend().init();
}

export interface Output {
  readonly shape: number[];
  readonly dtype: tf.DataType;
  readonly values: Float32Array | Int32Array | Uint8Array;
}

/** Runs `f` on `backend` and reads its outputs back; fails if `f` leaks tensors. */
export function runOn(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Output[] {
  tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const outs = tf.tidy(f);
  const list = Array.isArray(outs) ? outs : [outs];
  const read = list.map((t) => ({ shape: t.shape, dtype: t.dtype, values: t.dataSync() as Output['values'] }));
  tf.dispose(list);
  expect(tf.memory().numTensors, `tensors leaked on ${backend}`).toBe(before);
  return read;
}

/** Asserts |got − want| ≤ atol + rtol·|want| elementwise, with a message naming the worst index. */
export function expectClose(got: Output, want: Output, rtol = 1e-5, atol = 1e-5, what = ''): void {
  expect(got.shape, `${what} shape`).toEqual(want.shape);
  expect(got.values.length, `${what} size`).toBe(want.values.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < want.values.length; i++) {
    const g = got.values[i]!;
    const w = want.values[i]!;
    const excess = Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`${what} differs at flat index ${worst}: got ${got.values[worst]}, want ${want.values[worst]}`);
  }
}

/** Runs `f` on wasm and on cpu and compares every output. */
export function expectSameOnWasmAndCpu(f: () => tf.Tensor | tf.Tensor[], rtol = 1e-5, atol = 1e-5, what = ''): void {
  const got = runOn('wasm', f);
  const want = runOn('cpu', f);
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expectClose(g, want[i]!, rtol, atol, `${what} output ${i}`));
}

/** Deterministic uniform values in [lo, hi) (mulberry32), so failures reproduce. */
export function randomValues(size: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

export function randomInts(size: number, seed: number, lo: number, hi: number): Int32Array {
  return Int32Array.from(randomValues(size, seed, 0, 1), (u) => lo + Math.floor(u * (hi - lo)));
}
