import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { withTfjsKernels } from '../src/index.js';
import { randn, rng, worstMismatch } from './helpers/compare-backends.js';
import { useBackendPair } from './helpers/backend-pair-hooks.js';

/**
 * tl's UnsortedSegmentSum for webgpu (src/kernels/unsorted-segment-sum). The differential cases
 * against tfjs cpu are in helpers/kernel-cases.ts (run by kernels.test.ts and the device check);
 * these cover what cpu is too slow for (BERT-sized vocabularies) and the registration itself.
 */

/** Σ x[r, :] per segment in float64, dropping ids outside [0, numSegments): tfjs cpu's semantics. */
function referenceSegmentSum(x: Float32Array, ids: Int32Array, numSegments: number, inner: number): Float32Array {
  const out = new Float64Array(numSegments * inner);
  ids.forEach((id, r) => {
    if (id < 0 || id >= numSegments) return;
    for (let j = 0; j < inner; j++) out[id * inner + j]! += x[r * inner + j]!;
  });
  return Float32Array.from(out);
}

async function segmentSumOnWebGpu(x: Float32Array, ids: Int32Array, numSegments: number, inner: number): Promise<Float32Array> {
  const xt = tf.tensor2d(x, [ids.length, inner]);
  const it = tf.tensor1d(ids, 'int32');
  const out = tf.unsortedSegmentSum(xt, it, numSegments);
  expect(out.shape).toEqual([numSegments, inner]);
  const values = Float32Array.from(await out.data());
  tf.dispose([xt, it, out]);
  return values;
}

describe('UnsortedSegmentSum on webgpu (tl kernel)', () => {
  useBackendPair();
  beforeAll(async () => {
    await tf.setBackend('webgpu');
  });

  it("replaces tfjs's kernel: ids ≥ numSegments are dropped (tfjs's webgpu kernel wraps them)", async () => {
    const run = async (): Promise<number[]> => {
      const out = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor2d([[1], [10], [100]]), tf.tensor1d([0, 5, 4], 'int32'), 5));
      const v = Array.from(await out.data());
      out.dispose();
      return v;
    };
    const before = tf.memory().numTensors;
    expect(await run()).toEqual([1, 0, 0, 0, 100]);
    expect(await withTfjsKernels(run, [tf.UnsortedSegmentSum])).toEqual([11, 0, 0, 0, 100]);
    expect(await run()).toEqual([1, 0, 0, 0, 100]); // tl's is back
    expect(tf.memory().numTensors).toBe(before);
  });

  const vocab = 30522;
  const cases: { name: string; rows: number; inner: number; id: (r: number, next: () => number) => number }[] = [
    { name: 'BERT word ids with 40% [PAD] (id 0)', rows: 4096, inner: 48, id: (r, next) => (r % 128 >= 77 ? 0 : Math.floor(next() * vocab)) },
    { name: 'single-sentence token types (every row id 0)', rows: 4096, inner: 48, id: () => 0 },
    { name: 'positions 0..127 repeated', rows: 4096, inner: 48, id: (r) => r % 128 },
  ];
  for (const c of cases) {
    it(`matches a float64 reference over a ${vocab}-row table: ${c.name}`, async () => {
      const next = rng(7);
      const ids = Int32Array.from({ length: c.rows }, (_, r) => c.id(r, next));
      const x = randn([c.rows, c.inner], 8).values as Float32Array;
      const ref = referenceSegmentSum(x, ids, vocab, c.inner);
      const got = await segmentSumOnWebGpu(x, ids, vocab, c.inner);
      const worst = worstMismatch([got], [ref], 1e-4);
      expect(worst.excess, `[${Math.floor(worst.index / c.inner)}, ${worst.index % c.inner}]: webgpu ${worst.webgpu} vs ${worst.cpu}`).toBeLessThanOrEqual(1e-4);
      expect(ref.some((v) => Math.abs(v) > 1)).toBe(true); // not vacuous
    });
  }

  it('handles empty inputs: no rows, and no segments', async () => {
    const none = tf.unsortedSegmentSum(tf.zeros([0, 4]), tf.tensor1d([], 'int32'), 3);
    expect(none.shape).toEqual([3, 4]);
    expect(Array.from(await none.data())).toEqual(new Array(12).fill(0));
    const noSegments = tf.unsortedSegmentSum(tf.ones([2, 4]), tf.tensor1d([0, 1], 'int32'), 0);
    expect(noSegments.shape).toEqual([0, 4]);
    tf.dispose([none, noSegments]);
  });

  it('frees its intermediate GPU buffers', async () => {
    const x = tf.randomNormal([512, 32]);
    const ids = tf.tensor1d(Int32Array.from({ length: 512 }, (_, i) => (i * 37) % 1000), 'int32');
    const once = async (): Promise<void> => {
      const out = tf.unsortedSegmentSum(x, ids, 1000);
      await out.data();
      out.dispose();
    };
    await once();
    const bytes = (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU;
    expect(bytes).toBeTypeOf('number');
    for (let i = 0; i < 3; i++) await once();
    expect((tf.memory() as { numBytesInGPU?: number }).numBytesInGPU).toBe(bytes);
    tf.dispose([x, ids]);
  });
});
