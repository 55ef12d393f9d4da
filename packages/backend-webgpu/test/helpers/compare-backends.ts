import * as tf from '@tensorflow/tfjs-core';
import { createEngine, SeededRandom, type Engine } from '@tl/core';
import '../../src/index.js';

/** Inputs as plain arrays, so each backend builds its own tensors from identical values. */
export type InputSpec =
  | { readonly kind: 'float'; readonly shape: number[]; readonly values: Float32Array }
  | { readonly kind: 'int'; readonly shape: number[]; readonly values: Int32Array };

/** A seeded PRNG, so failures reproduce: core's SeededRandom (mulberry32). */
export function rng(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

export function randn(shape: number[], seed: number, scale = 1): InputSpec {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // Box–Muller.
    const u = Math.max(r(), 1e-12);
    values[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  }
  return { kind: 'float', shape, values };
}

export function randInt(shape: number[], maxExclusive: number, seed: number): InputSpec {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = Math.floor(r() * maxExclusive);
  return { kind: 'int', shape, values };
}

function materialise(spec: InputSpec): tf.Tensor {
  return spec.kind === 'float' ? tf.tensor(spec.values, spec.shape, 'float32') : tf.tensor(spec.values, spec.shape, 'int32');
}

export interface BackendPair {
  readonly webgpu: Engine;
  readonly cpu: Engine;
}

/** Creates (once per test file) the webgpu engine under test and the cpu reference. */
export async function createPair(): Promise<BackendPair> {
  const cpu = await createEngine({ backend: 'cpu' });
  const webgpu = await createEngine({ backend: 'webgpu' });
  return { webgpu, cpu };
}

/** Runs `fn` on one backend and reads every output back (async reads: webgpu in Node has no sync read). */
export async function runOn(backend: string, fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[], inputs: InputSpec[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const xs = inputs.map(materialise);
  const out = tf.tidy(() => fn(...xs));
  const outs = Array.isArray(out) ? out : [out];
  const data = await Promise.all(outs.map(async (o) => Float32Array.from(await o.data())));
  tf.dispose([...outs, ...xs]);
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`${backend}: leaked ${after - before} tensors`);
  return data;
}

export interface Mismatch {
  readonly output: number;
  readonly index: number;
  readonly webgpu: number;
  readonly cpu: number;
}

/** Largest |webgpu − cpu| − rtol·|cpu| over all outputs; ≤ atol means the outputs agree. */
export function worstMismatch(a: Float32Array[], b: Float32Array[], rtol: number): Mismatch & { excess: number } {
  let worst = { output: -1, index: -1, webgpu: 0, cpu: 0, excess: -Infinity };
  a.forEach((out, o) => {
    const ref = b[o]!;
    if (out.length !== ref.length) throw new Error(`output ${o}: ${out.length} values on webgpu vs ${ref.length} on cpu`);
    for (let i = 0; i < out.length; i++) {
      const excess = Number.isNaN(out[i]!) !== Number.isNaN(ref[i]!) ? Infinity : Math.abs(out[i]! - ref[i]!) - rtol * Math.abs(ref[i]!);
      if (excess > worst.excess) worst = { output: o, index: i, webgpu: out[i]!, cpu: ref[i]!, excess };
    }
  });
  return worst;
}

/** Runs `fn` on webgpu and cpu and returns the worst deviation (for expect(...).toBeLessThanOrEqual(atol)). */
export async function compare(fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[], inputs: InputSpec[], rtol = 1e-4): Promise<Mismatch & { excess: number }> {
  const gpu = await runOn('webgpu', fn, inputs);
  const cpu = await runOn('cpu', fn, inputs);
  return worstMismatch(gpu, cpu, rtol);
}
