import * as tf from '@tensorflow/tfjs-core';
import { TL_GLOBAL_NORM, globalGradNorm, hasGlobalNormKernel } from '@tl/core';
import { describe, expect, it } from 'vitest';
import { compare, randn } from './helpers/compare-backends.js';
import { useBackendPair } from './helpers/backend-pair-hooks.js';
import { DispatchCounter } from '../src/bench/dispatch-counter.js';

/** @tl/core's `globalGradNorm` takes TL_GLOBAL_NORM on webgpu (one kernel call) and composes tfjs ops on cpu. */
describe(`${TL_GLOBAL_NORM} on webgpu`, () => {
  useBackendPair();

  it('matches the composition on cpu within 1e-6 (several ranks, one tensor, an empty one)', async () => {
    const norm = (...xs: tf.Tensor[]): tf.Tensor => globalGradNorm(xs);
    for (const inputs of [
      [randn([130, 70], 1), randn([70], 2), randn([1], 3), randn([3, 4, 5], 4)],
      [randn([257], 5, 3)],
      // Larger than 64 workgroups × 256 invocations: every workgroup loops over several elements.
      [randn([300, 170], 7), randn([40000], 8)],
      [randn([9, 2], 6), { kind: 'float' as const, shape: [0, 3], values: new Float32Array(0) }],
      // More gradients than one dispatch reads (15): two dispatches, the second partly filled, a
      // large tensor among them and an empty one between.
      Array.from({ length: 20 }, (_, i) =>
        i === 7 ? { kind: 'float' as const, shape: [0], values: new Float32Array(0) } : randn(i === 16 ? [200, 100] : [3 + i, 5], 20 + i),
      ),
    ]) {
      const worst = await compare(norm, inputs, 1e-6);
      expect(worst.excess, `webgpu ${worst.webgpu} vs cpu ${worst.cpu}`).toBeLessThanOrEqual(1e-6);
    }
  });

  it('is 0 for empty gradients only (tfjs-webgpu cannot Sum an empty tensor; the kernel skips them)', async () => {
    await tf.setBackend('webgpu');
    const xs = [tf.zeros([0, 3]), tf.zeros([0])];
    const n = globalGradNorm(xs);
    expect(await n.data()).toEqual(new Float32Array([0]));
    tf.dispose([...xs, n]);
  });

  it('passes a non-finite gradient through (the Trainer\'s NaN policy reads it)', async () => {
    await tf.setBackend('webgpu');
    const xs = [tf.ones([3]), tf.tensor([1, NaN])];
    const n = globalGradNorm(xs);
    expect(Number.isNaN((await n.data())[0])).toBe(true);
    tf.dispose([...xs, n]);
  });

  it('takes ⌈N / k⌉ + 2 dispatches for N gradients (Σx² of k per dispatch, Sum, Sqrt)', async () => {
    await tf.setBackend('webgpu');
    const limit = (tf.backend() as unknown as { device: GPUDevice }).device.limits.maxStorageBuffersPerShaderStage;
    const k = Math.min(15, limit - 1);
    const xs = Array.from({ length: 31 }, (_, i) => tf.randomNormal([i + 1, 3]));
    const counter = new DispatchCounter();
    const n = globalGradNorm(xs);
    counter.dispose();
    await n.data();
    expect(counter.count).toBe(Math.ceil(31 / k) + 2);
    tf.dispose([...xs, n]);
  });

  it('is one kernel call for all gradients, and frees what it made', async () => {
    await tf.setBackend('webgpu');
    expect(hasGlobalNormKernel()).toBe(true);
    const xs = [tf.randomNormal([8, 8]), tf.randomNormal([8]), tf.randomNormal([2, 3])];
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => tf.tidy(() => void globalGradNorm(xs)));
    expect(info.kernels.map((k) => k.name)).toEqual([TL_GLOBAL_NORM]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(xs);
  });
});
