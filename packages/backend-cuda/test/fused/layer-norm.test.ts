/**
 * TL_LAYER_NORM (+ _BACKWARD, _GAMMA_GRAD) on torch-cpu against @tl/core's fallback on tfjs cpu: core's
 * `layerNorm` composes tfjs ops where the kernels are not registered (cpu), and calls them where
 * they are (torch-cpu). Output and the gradients for x, gamma and beta (core's registered gradient)
 * agree within the contract's 1e-4 on random inputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TL_LAYER_NORM, TL_LAYER_NORM_BACKWARD, TL_LAYER_NORM_GAMMA_GRAD, hasLayerNormKernels } from '@tl/core';
// core's LayerNorm function (its nn/ module is not part of the package's public API).
import { layerNorm } from '../../../core/src/nn/layer-norm.js';
import { activation } from '../../../core/src/nn/activations.js';
import { initBackends, inputs, kernelsRun, valuesOn, worstRelative } from './helpers.js';

beforeAll(initBackends);

interface Case {
  label: string;
  shape: number[];
  eps: number;
  /** Build x as the transpose of a [shape reversed] tensor (a strided view on torch-cpu). */
  transposed?: boolean;
  /** Scale of x's values (LayerNorm is scale-invariant up to eps). */
  scale?: number;
  /** Magnitude below which errors count as absolute (default 1e-3). */
  floor?: number;
}

const CASES: Case[] = [
  { label: 'rows of BERT-mini width, eps 1e-12', shape: [6, 256], eps: 1e-12 },
  { label: 'rank 3, eps 1e-5', shape: [2, 5, 16], eps: 1e-5 },
  { label: 'rank 1', shape: [9], eps: 1e-5 },
  // x − mean = 0: dx is 0 exactly in core's composition; ATen's backward forms it as a·dy + b·x + c
  // with terms of size rstd = 1/√eps ≈ 316, so it leaves rounding residue ~1e-5 (absolute) there.
  // (Two columns are as degenerate: x̂ = ±1 whatever x is, so dx is 0 up to rounding on both sides.)
  { label: 'one column (x − mean = 0)', shape: [3, 1], eps: 1e-5, floor: 1 },
  { label: 'three columns', shape: [5, 3], eps: 1e-5 },
  { label: 'large values', shape: [4, 33], eps: 1e-12, scale: 1000 },
  { label: 'a transposed view', shape: [7, 12], eps: 1e-5, transposed: true },
  { label: 'no rows', shape: [0, 8], eps: 1e-5 },
];

/** y, dx, dgamma, dbeta of sum(layerNorm(x, gamma, beta) · w) on the active backend. */
function forwardAndGrads(c: Case, seed: number): tf.Tensor[] {
  const h = c.shape.at(-1)!;
  const r = inputs(seed);
  const x = tf.tidy(() => {
    const t = tf.mul(r.float(c.transposed ? [...c.shape].reverse() : c.shape), c.scale ?? 1);
    return c.transposed ? tf.transpose(t) : t;
  });
  const gamma = r.float([h], 0.5, 1.5);
  const beta = r.float([h]);
  const w = r.float(c.shape);
  const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.sum(tf.mul(layerNorm(a, g, b, c.eps), w));
  const y = layerNorm(x, gamma, beta, c.eps);
  const grads = tf.grads(f)([x, gamma, beta]);
  tf.dispose([x, gamma, beta, w]);
  return [y, ...grads];
}

describe('TL_LAYER_NORM on torch-cpu', () => {
  it('is registered (both kernels), so core uses it', () => {
    expect(hasLayerNormKernels('torch-cpu')).toBe(true);
    expect(hasLayerNormKernels('cpu')).toBe(false);
  });

  it.each(CASES.map((c, i) => ({ ...c, seed: 300 + i })))('$label: y, dx, dgamma, dbeta match core on cpu', async (c) => {
    const want = await valuesOn('cpu', () => forwardAndGrads(c, c.seed));
    const got = await valuesOn('torch-cpu', () => forwardAndGrads(c, c.seed));
    ['y', 'dx', 'dgamma', 'dbeta'].forEach((name, k) => {
      const { error, at } = worstRelative(got[k]!, want[k]!, c.floor ?? 1e-3);
      expect(error, `${name}[${at}]: ${got[k]![at]} vs ${want[k]![at]}`).toBeLessThan(1e-4);
    });
  });

  it('dgamma and dbeta over a BERT batch of rows (8 × 128 × 768, then GELU) stay within 1e-4 of the largest entry', async () => {
    // They sum 1024 rows; an entry near 0 is only as exact as the summation (native_layer_norm_backward's
    // dgamma was 1.3e-4 off here), so the error is taken relative to the array's scale.
    const gelu = activation('gelu');
    const grads = (): tf.Tensor[] => {
      const x = tf.randomNormal([8, 128, 768], 0, 1, 'float32', 30);
      const gamma = tf.randomNormal([768], 1, 0.1, 'float32', 31);
      const beta = tf.randomNormal([768], 0, 0.1, 'float32', 32);
      const w = tf.randomNormal([8, 128, 768], 0, 1, 'float32', 33);
      const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.sum(tf.mul(gelu(layerNorm(a, g, b, 1e-12)), w));
      return tf.grads(f)([x, gamma, beta]).slice(1);
    };
    const want = await valuesOn('cpu', grads);
    const got = await valuesOn('torch-cpu', grads);
    want.forEach((w, k) => {
      const scale = w.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
      const { error, at } = worstRelative(got[k]!, w, 1e-3 * scale);
      expect(error, `${k === 0 ? 'dgamma' : 'dbeta'}[${at}]: ${got[k]![at]} vs ${w[at]}`).toBeLessThan(1e-4);
    });
  });

  it('runs the fused kernels forward and backward instead of ~45 tfjs ops', async () => {
    await tf.setBackend('torch-cpu');
    const c = CASES[0]!;
    const counts = await kernelsRun(() => forwardAndGrads(c, 1));
    expect(counts.get(TL_LAYER_NORM)).toBe(2); // y, and f's forward; dgamma does not run it again
    expect(counts.get(TL_LAYER_NORM_BACKWARD)).toBe(1);
    expect(counts.get(TL_LAYER_NORM_GAMMA_GRAD)).toBe(1);
    expect(counts.has('OnesLike')).toBe(false);
    expect(counts.get('Rsqrt') ?? 0).toBe(0);
  });
});
