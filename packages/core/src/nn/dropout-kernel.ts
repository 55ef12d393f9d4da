import * as tf from '@tensorflow/tfjs-core';
import { fmix32 } from '../data/random/fmix32.js';

/**
 * The name of an optional tfjs kernel that applies dropout in one pass, drawing its mask on the
 * device. `DropoutContext` calls it whenever the active backend registers it, and otherwise uses
 * `tf.dropout` — whose mask tfjs draws in JavaScript (`randomUniform` is not a kernel) and then
 * uploads: for BERT-base at batch 32 × seq 128 that is ~150 M random numbers per step on the CPU,
 * seconds per step on a GPU backend whose whole step should take a fraction of one. A GPU backend
 * registers this kernel instead (@tl/backend-webgpu does, in WGSL).
 *
 * Contract (`tf.registerKernel({ kernelName: TL_DROPOUT, backendName, kernelFunc })`):
 *   inputs  `{ x }`: float32, any shape; read only.
 *   attrs   `{ rate, seed }` (`DropoutKernelAttrs`): 0 < rate < 1; seed an integer in [0, 2³²).
 *   output  `x · mask`, a new float32 tensor of x's shape, where for the row-major index i:
 *             mask_i = (dropoutHash(seed, i) >>> 8) ≥ dropoutThreshold(rate) ? 1 / (1 − rate) : 0
 *           i.e. element i is kept when its 24-bit uniform draw u_i satisfies u_i ≥ rate (as
 *           tf.dropout keeps when floor(u + 1 − rate) = 1). `dropoutHash` and `dropoutThreshold`
 *           below define the bits exactly, so every backend that registers the kernel draws the
 *           same masks, and a mask is a pure function of (seed, i): a resumed run replays it.
 *   gradient registered here, for every backend: dx = TL_DROPOUT(dy) with the same attrs (the same
 *           mask applied to the upstream gradient), so no mask is kept between forward and backward.
 * Masks differ from `tf.dropout`'s (another generator), so cpu/wasm, which do not register the
 * kernel, keep tf.dropout's exact stream.
 */
export const TL_DROPOUT = 'TlDropout';

export interface DropoutKernelAttrs {
  readonly rate: number;
  readonly seed: number;
}

/** The two per-seed keys of `dropoutHash` (a kernel computes them once per call, not per element). */
export function dropoutKeys(seed: number): [number, number] {
  return [fmix32(seed >>> 0), fmix32((seed ^ 0x9e3779b9) >>> 0)];
}

/**
 * The contract's counter-based generator: 32 random bits for element `index` of a mask drawn with
 * `seed`: fmix32(fmix32(index + k1) ^ k2) in u32 arithmetic, (k1, k2) = dropoutKeys(seed). Masks of
 * consecutive seeds (one per dropout call) are unrelated: the keyed outer mix decorrelates them
 * even where the inner sums coincide.
 */
export function dropoutHash(seed: number, index: number, keys: [number, number] = dropoutKeys(seed)): number {
  return fmix32((fmix32((index + keys[0]) >>> 0) ^ keys[1]) >>> 0);
}

/** The smallest 24-bit draw that is kept: ⌈rate · 2²⁴⌉ (an integer, so every backend compares exactly). */
export function dropoutThreshold(rate: number): number {
  return Math.ceil(rate * 2 ** 24);
}

/** The contract's mask (0 or 1/(1 − rate) per element) computed on the CPU: the reference for backends' tests. */
export function dropoutMaskReference(size: number, rate: number, seed: number): Float32Array {
  const keys = dropoutKeys(seed);
  const threshold = dropoutThreshold(rate);
  const scale = 1 / (1 - rate);
  const mask = new Float32Array(size);
  for (let i = 0; i < size; i++) mask[i] = dropoutHash(seed, i, keys) >>> 8 >= threshold ? scale : 0;
  return mask;
}

/** Whether `backendName` (default: the active backend) registers the fused dropout kernel. */
export function hasDropoutKernel(backendName: string | null = tf.getBackend()): boolean {
  return backendName != null && tf.getKernel(TL_DROPOUT, backendName) != null;
}

/** Runs the kernel on the active backend (differentiable through the gradient registered here). */
export function runDropoutKernel(x: tf.Tensor, attrs: DropoutKernelAttrs): tf.Tensor {
  return tf.engine().runKernel(TL_DROPOUT, { x } as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

if (!tf.getGradient(TL_DROPOUT)) {
  tf.registerGradient({
    kernelName: TL_DROPOUT,
    gradFunc: (dy, _saved, attrs) => ({ x: () => runDropoutKernel(dy as tf.Tensor, attrs as unknown as DropoutKernelAttrs) }),
  });
}
