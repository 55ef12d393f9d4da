/**
 * Shared by the tests of @tl/core's fused-kernel contracts on torch-cpu: both backends initialised,
 * seeded inputs that are bit-identical on each, and a comparison that names the worst element.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { CpuBackend } from '@tl/core';
import { TorchCpuBackend } from '../../src/index.js';
import { Inputs } from '../differential/random.js';

export async function initBackends(): Promise<void> {
  await new CpuBackend().init();
  await new TorchCpuBackend().init();
}

/** Seeded float32 inputs, identical on every backend. */
export function inputs(seed: number): Inputs {
  return new Inputs(tf, seed);
}

/** Runs `fn` on `backend` and reads every tensor it returns (disposing them); checks for leaks. */
export async function valuesOn(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const out = tf.tidy(fn);
  const values = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  if (tf.memory().numTensors !== before) throw new Error(`${backend}: ${tf.memory().numTensors - before} tensors leaked`);
  return values;
}

/**
 * The largest |got − want| / (|want| + floor) over all elements (0 when every pair is equal, NaN
 * pairs included), with where it occurred.
 */
export function worstRelative(got: Float32Array, want: Float32Array, floor: number): { error: number; at: number } {
  if (got.length !== want.length) throw new Error(`length ${got.length} vs ${want.length}`);
  let worst = { error: 0, at: -1 };
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w))) continue;
    const error = Math.abs(g - w) / (Math.abs(w) + floor);
    if (!(error <= worst.error)) worst = { error: Number.isNaN(error) ? Infinity : error, at: i };
  }
  return worst;
}

/** The largest |got − want| over all elements, with where it occurred (-1 when all are equal). */
export function worstAbsolute(got: Float32Array, want: Float32Array): { error: number; at: number } {
  if (got.length !== want.length) throw new Error(`length ${got.length} vs ${want.length}`);
  let worst = { error: 0, at: -1 };
  for (let i = 0; i < want.length; i++) {
    const error = Math.abs(got[i]! - want[i]!);
    if (error > worst.error) worst = { error, at: i };
  }
  return worst;
}

/** Expects each named output of `got` within `limit` (absolute) of `want`'s, naming the worst element. */
export function expectWithin(names: readonly string[], got: Float32Array[], want: Float32Array[], limit: number): void {
  names.forEach((name, k) => {
    const { error, at } = worstAbsolute(got[k]!, want[k]!);
    expect(error, `${name}[${at}]: ${got[k]![at]} vs ${want[k]![at]}`).toBeLessThan(limit);
  });
}

/** The kernel names one call of `fn` runs, with counts (tf.profile on the active backend). */
export async function kernelsRun(fn: () => tf.TensorContainer): Promise<Map<string, number>> {
  const info = await tf.profile(() => {
    tf.tidy(() => {
      fn();
    });
  });
  const counts = new Map<string, number>();
  for (const k of info.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  return counts;
}
