/**
 * TL_DROPOUT on torch-cpu against @tl/core's contract: the output is x · dropoutMaskReference(…)
 * bit for bit (the mask every tl backend draws), through the CPU loop and through the ATen-op
 * formulation the CUDA backend falls back to; the gradient applies the same mask; core's
 * DropoutContext uses the kernel. (Core's own fallback, tf.dropout, draws another generator's
 * masks by design, so the reference here is the contract's mask, not tf.dropout.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TL_DROPOUT, dropoutKeys, dropoutMaskReference, dropoutThreshold, hasDropoutKernel, runDropoutKernel } from '@tl/core';
import { loadAddon, type TorchBackend } from '../../src/index.js';
import { initBackends, inputs, kernelsRun } from './helpers.js';

beforeAll(initBackends);

/** x · mask on the cpu backend, from core's reference mask (tfjs cpu multiplies in float32). */
function reference(x: tf.Tensor, rate: number, seed: number): Float32Array {
  const xs = x.dataSync();
  const mask = dropoutMaskReference(x.size, rate, seed);
  return Float32Array.from(xs, (v, i) => v * mask[i]!);
}

/** The addon's ATen-op formulation of the mask (what CUDA runs when its PTX kernel is unavailable). */
function composed(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  const b = tf.backend() as TorchBackend;
  const [k1, k2] = dropoutKeys(seed);
  b.addon.dropout(b.handle(x), k1, k2, dropoutThreshold(rate), 1 / (1 - rate), true);
  return tf.engine().makeTensorFromTensorInfo(b.output());
}

const CASES: { label: string; shape: number[]; rate: number; seed: number; transposed?: boolean }[] = [
  { label: 'BERT-like activations, rate 0.1', shape: [37, 129], rate: 0.1, seed: 12345 },
  { label: 'rank 4, rate 0.5, seed 0', shape: [2, 3, 4, 5], rate: 0.5, seed: 0 },
  { label: 'rate 0.9, the largest seed', shape: [300], rate: 0.9, seed: 2 ** 32 - 1 },
  { label: 'a tiny rate', shape: [64, 64], rate: 1e-7, seed: 7 },
  { label: 'one element', shape: [1], rate: 0.3, seed: 99 },
  { label: 'no elements', shape: [0, 4], rate: 0.1, seed: 1 },
  { label: 'a transposed view (row-major index of the logical shape)', shape: [24, 17], rate: 0.2, seed: 4242, transposed: true },
];

describe('TL_DROPOUT on torch-cpu', () => {
  it('is registered, so core uses it', () => {
    expect(hasDropoutKernel('torch-cpu')).toBe(true);
  });

  it.each(CASES)('$label: x · the contract mask, bit for bit (CPU loop and ATen-op formulation)', async (c) => {
    await tf.setBackend('torch-cpu');
    const before = tf.memory().numTensors;
    const live = loadAddon().addon.liveHandles();
    const x = tf.tidy(() => {
      const t = inputs(c.seed + 1).float(c.transposed ? [...c.shape].reverse() : c.shape, -3, 3);
      return c.transposed ? tf.transpose(t) : t;
    });
    const want = reference(x, c.rate, c.seed);
    const y = runDropoutKernel(x, { rate: c.rate, seed: c.seed });
    const z = composed(x, c.rate, c.seed);
    expect(y.shape).toEqual(c.shape);
    expect(Array.from(y.dataSync())).toEqual(Array.from(want));
    expect(Array.from(z.dataSync())).toEqual(Array.from(want));
    tf.dispose([x, y, z]);
    expect(tf.memory().numTensors).toBe(before);
    expect(loadAddon().addon.liveHandles()).toBe(live);
  });

  it('keeps 1 − rate of the elements, each scaled by 1 / (1 − rate)', async () => {
    await tf.setBackend('torch-cpu');
    const y = runDropoutKernel(tf.ones([400, 500]), { rate: 0.25, seed: 11 });
    const kept = y.dataSync().filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
    expect(kept.length / y.size).toBeCloseTo(0.75, 2);
    y.dispose();
  });

  it('propagates NaN and the sign of zero exactly as x · mask does', async () => {
    await tf.setBackend('torch-cpu');
    const x = tf.tensor1d([NaN, -1, -0, Infinity, 2, -Infinity, NaN, -5]);
    const y = runDropoutKernel(x, { rate: 0.5, seed: 3 });
    expect(Array.from(y.dataSync())).toEqual(Array.from(reference(x, 0.5, 3)));
    tf.dispose([x, y]);
  });

  it('differentiates through the same mask: dx = dy · mask', async () => {
    await tf.setBackend('torch-cpu');
    const x = inputs(4).float([32, 16]);
    const w = inputs(5).float([32, 16]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(runDropoutKernel(t, { rate: 0.3, seed: 9 }), w)))(x);
    expect(Array.from(g.dataSync())).toEqual(Array.from(reference(w, 0.3, 9)));
    tf.dispose([x, w, g]);
  });

  it('is one kernel forward and one backward', async () => {
    await tf.setBackend('torch-cpu');
    const x = inputs(6).float([8, 8]);
    const counts = await kernelsRun(() => tf.grad((t: tf.Tensor) => tf.sum(runDropoutKernel(t, { rate: 0.1, seed: 1 })))(x));
    expect(counts.get(TL_DROPOUT)).toBe(2);
    x.dispose();
  });

  it('refuses a rate outside [0, 1) and a seed outside [0, 2^32) with the kernel named', async () => {
    await tf.setBackend('torch-cpu');
    const x = tf.ones([2]);
    expect(() => runDropoutKernel(x, { rate: 1, seed: 0 })).toThrow(/TlDropout on torch-cpu.*rate/);
    expect(() => runDropoutKernel(x, { rate: 0.1, seed: -1 })).toThrow(/seed/);
    x.dispose();
  });
});
