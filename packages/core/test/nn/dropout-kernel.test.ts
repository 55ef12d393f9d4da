import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import { DropoutContext } from '../../src/nn/dropout.js';
import {
  TL_DROPOUT,
  dropoutHash,
  dropoutKeys,
  dropoutMaskReference,
  dropoutThreshold,
  hasDropoutKernel,
  type DropoutKernelAttrs,
} from '../../src/nn/dropout-kernel.js';

/** The TL_DROPOUT contract in plain JS for `cpu` (this file's worker only): x · dropoutMaskReference. */
let kernelCalls = 0;
const referenceKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  kernelCalls++;
  const cpu = backend as MathBackendCPU;
  const { x } = inputs as { x: tf.TensorInfo };
  const { rate, seed } = attrs as unknown as DropoutKernelAttrs;
  const values = cpu.data.get(x.dataId)!.values as Float32Array;
  const mask = dropoutMaskReference(values.length, rate, seed);
  return cpu.makeTensorInfo(x.shape, 'float32', values.map((v, i) => v * mask[i]!));
};

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
});

describe('the TL_DROPOUT generator', () => {
  it('is murmur3 fmix32, keyed by the seed (pinned bits: every backend must draw these)', () => {
    // fmix32(1) = 0x514e28b7 is murmur3's published finaliser value; k1 = fmix32(seed).
    expect(dropoutKeys(1)[0]).toBe(0x514e28b7);
    expect(dropoutKeys(0)).toEqual([0, 2462723854]);
    expect([dropoutHash(42, 0), dropoutHash(42, 1), dropoutHash(7, 123456)]).toEqual([0xb75245c0, 0x1b50ef66, 0x17208a7b]);
    expect(dropoutThreshold(0.1)).toBe(1677722); // ⌈0.1 · 2²⁴⌉
  });

  it('keeps 1 − rate of the elements, independently across consecutive seeds', () => {
    const n = 400_000;
    const a = dropoutMaskReference(n, 0.1, 1000);
    const b = dropoutMaskReference(n, 0.1, 1001);
    let keptA = 0;
    let agree = 0;
    for (let i = 0; i < n; i++) {
      keptA += a[i]! > 0 ? 1 : 0;
      agree += (a[i]! > 0) === (b[i]! > 0) ? 1 : 0;
    }
    const sigma = Math.sqrt((0.9 * 0.1) / n);
    expect(Math.abs(keptA / n - 0.9)).toBeLessThan(5 * sigma);
    // Independent masks agree with probability 0.9² + 0.1² = 0.82.
    expect(Math.abs(agree / n - 0.82)).toBeLessThan(0.005);
    expect(new Set(a).size).toBe(2);
    expect(a.find((v) => v > 0)).toBeCloseTo(1 / 0.9, 6);
  });
});

describe(`DropoutContext with a registered ${TL_DROPOUT} kernel`, () => {
  beforeAll(() => {
    tf.registerKernel({ kernelName: TL_DROPOUT, backendName: 'cpu', kernelFunc: referenceKernel });
  });
  afterAll(() => {
    tf.unregisterKernel(TL_DROPOUT, 'cpu');
  });

  it('applies the kernel (one call per dropout), and its gradient applies the same mask to dy', () => {
    expect(hasDropoutKernel()).toBe(true);
    const x = tf.randomNormal([6, 50], 0, 1, 'float32', 3);
    const dy = tf.randomNormal([6, 50], 0, 1, 'float32', 4);
    kernelCalls = 0;
    const before = tf.memory().numTensors;
    const y = new DropoutContext(true, 5).apply(x, 0.25);
    expect(kernelCalls).toBe(1);
    const seed = (5 * 1_000_003) % 2_147_483_647; // the first call's seed
    const mask = dropoutMaskReference(300, 0.25, seed);
    const xs = x.dataSync();
    expect(Array.from(y.dataSync())).toEqual(Array.from(xs, (v, i) => Math.fround(v * mask[i]!)));
    const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(new DropoutContext(true, 5).apply(t, 0.25), dy)))(x);
    const dys = dy.dataSync();
    expect(Array.from(dx.dataSync())).toEqual(Array.from(dys, (v, i) => Math.fround(v * mask[i]!)));
    tf.dispose([y, dx]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dy]);
  });

  it('is not used in evaluation mode, at rate 0, or once unregistered (tf.dropout then)', () => {
    const x = tf.ones([4, 4]);
    kernelCalls = 0;
    expect(new DropoutContext(false, 1).apply(x, 0.5)).toBe(x);
    expect(new DropoutContext(true, 1).apply(x, 0)).toBe(x);
    expect(kernelCalls).toBe(0);
    tf.unregisterKernel(TL_DROPOUT, 'cpu');
    try {
      const y = new DropoutContext(true, 1).apply(x, 0.5);
      expect(kernelCalls).toBe(0);
      expect(new Set(y.dataSync())).toEqual(new Set([0, 2]));
      y.dispose();
    } finally {
      tf.registerKernel({ kernelName: TL_DROPOUT, backendName: 'cpu', kernelFunc: referenceKernel });
    }
    x.dispose();
  });
});
