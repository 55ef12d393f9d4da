import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import { expectEachClose } from './support/expect-close.js';
import { layerNorm } from '../../src/nn/layer-norm.js';
import {
  TL_LAYER_NORM,
  TL_LAYER_NORM_BACKWARD,
  TL_LAYER_NORM_GAMMA_GRAD,
  hasLayerNormKernels,
  type LayerNormKernelAttrs,
} from '../../src/nn/layer-norm-kernel.js';

/** The two kernels of the contract in plain JS (float64 per row) for `cpu`, in this file's worker only. */
const calls = { forward: 0, backward: 0, gammaGrad: 0 };
function rowStats(x: Float32Array, base: number, h: number, eps: number): { mean: number; rstd: number } {
  let mean = 0;
  for (let j = 0; j < h; j++) mean += x[base + j]!;
  mean /= h;
  let v = 0;
  for (let j = 0; j < h; j++) v += (x[base + j]! - mean) ** 2;
  return { mean, rstd: 1 / Math.sqrt(v / h + eps) };
}
/** A kernel call's named inputs (and their values on `cpu`) and its eps. */
function unpack({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0], names: readonly string[]) {
  const cpu = backend as MathBackendCPU;
  const infos = names.map((n) => (inputs as Record<string, tf.TensorInfo>)[n]!);
  const values = infos.map((t) => cpu.data.get(t.dataId)!.values as Float32Array);
  return { cpu, infos, values, eps: (attrs as unknown as LayerNormKernelAttrs).eps };
}
const forward: tf.KernelFunc = (args) => {
  calls.forward++;
  const { cpu, infos: [x], values: [xs, g, b], eps } = unpack(args, ['x', 'gamma', 'beta']);
  const h = g.length;
  const y = new Float32Array(xs.length);
  for (let base = 0; base < xs.length; base += h) {
    const { mean, rstd } = rowStats(xs, base, h, eps);
    for (let j = 0; j < h; j++) y[base + j] = (xs[base + j]! - mean) * rstd * g[j]! + b[j]!;
  }
  return cpu.makeTensorInfo(x.shape, 'float32', y);
};
const backward: tf.KernelFunc = (args) => {
  calls.backward++;
  const { cpu, infos: [, x], values: [d, xs, g], eps } = unpack(args, ['dy', 'x', 'gamma']);
  const h = g.length;
  const dx = new Float32Array(xs.length);
  for (let base = 0; base < xs.length; base += h) {
    const { mean, rstd } = rowStats(xs, base, h, eps);
    let mg = 0;
    let mgx = 0;
    for (let j = 0; j < h; j++) {
      mg += d[base + j]! * g[j]!;
      mgx += d[base + j]! * g[j]! * (xs[base + j]! - mean) * rstd;
    }
    mg /= h;
    mgx /= h;
    for (let j = 0; j < h; j++) dx[base + j] = rstd * (d[base + j]! * g[j]! - mg - (xs[base + j]! - mean) * rstd * mgx);
  }
  return cpu.makeTensorInfo(x.shape, 'float32', dx);
};

/** The optional third kernel: dgamma = Σ over rows of dy · x̂. */
const gammaGrad: tf.KernelFunc = (args) => {
  calls.gammaGrad++;
  const { cpu, infos: [, , gamma], values: [d, xs], eps } = unpack(args, ['dy', 'x', 'gamma']);
  const h = gamma!.shape[0]!;
  const dgamma = new Float64Array(h);
  for (let base = 0; base < xs.length; base += h) {
    const { mean, rstd } = rowStats(xs, base, h, eps);
    for (let j = 0; j < h; j++) dgamma[j]! += d[base + j]! * (xs[base + j]! - mean) * rstd;
  }
  return cpu.makeTensorInfo([h], 'float32', Float32Array.from(dgamma));
};

/** layerNorm's output and its gradients w.r.t. x, gamma, beta for a weighted sum of the output. */
function forwardAndGrads(): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.add(tf.randomNormal([3, 5, 24], 0, 2, 'float32', 1), tf.reshape(tf.range(0, 15), [3, 5, 1]));
    const gamma = tf.randomNormal([24], 1, 0.3, 'float32', 2);
    const beta = tf.randomNormal([24], 0, 0.3, 'float32', 3);
    const dy = tf.randomNormal([3, 5, 24], 0, 1, 'float32', 4);
    const y = layerNorm(x, gamma, beta, 1e-12);
    const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layerNorm(a, g, b, 1e-12), dy)))([x, gamma, beta]);
    return [y, ...grads].map((t) => Float32Array.from(t.dataSync()));
  });
}

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
});

describe(`layerNorm with registered ${TL_LAYER_NORM} / ${TL_LAYER_NORM_BACKWARD} kernels`, () => {
  afterAll(() => {
    for (const name of [TL_LAYER_NORM, TL_LAYER_NORM_BACKWARD, TL_LAYER_NORM_GAMMA_GRAD]) if (tf.getKernel(name, 'cpu')) tf.unregisterKernel(name, 'cpu');
  });

  it('uses them (both needed) and matches the op composition, forward and all three gradients', () => {
    const ops = forwardAndGrads();
    tf.registerKernel({ kernelName: TL_LAYER_NORM, backendName: 'cpu', kernelFunc: forward });
    expect(hasLayerNormKernels()).toBe(false); // the backward kernel is part of the contract
    tf.registerKernel({ kernelName: TL_LAYER_NORM_BACKWARD, backendName: 'cpu', kernelFunc: backward });
    expect(hasLayerNormKernels()).toBe(true);
    const before = tf.memory().numTensors;
    const fused = forwardAndGrads();
    expect(tf.memory().numTensors).toBe(before);
    // Forward, and the backward pass: the kernel again for x̂ (dgamma) and the backward kernel (dx).
    expect(calls).toEqual({ forward: 3, backward: 1, gammaGrad: 0 });
    expectEachClose(fused, ops, 1e-5, 1e-5);
    expect(Math.max(...fused[1]!.map(Math.abs))).toBeGreaterThan(1e-2); // dx is not vacuous
  });

  it(`takes dgamma from ${TL_LAYER_NORM_GAMMA_GRAD} when registered, without running the forward again`, () => {
    const ops = forwardAndGrads();
    tf.registerKernel({ kernelName: TL_LAYER_NORM_GAMMA_GRAD, backendName: 'cpu', kernelFunc: gammaGrad });
    Object.assign(calls, { forward: 0, backward: 0, gammaGrad: 0 });
    const fused = forwardAndGrads();
    expect(calls).toEqual({ forward: 2, backward: 1, gammaGrad: 1 });
    expectEachClose(fused, ops, 1e-5, 1e-5);
    expect(Math.max(...fused[2]!.map(Math.abs))).toBeGreaterThan(1e-2); // dgamma is not vacuous
  });
});
