import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, expectSameOnWasmAndCpu, initBackends, randomInts, randomValues, runOn } from './differential.js';

describe('UnsortedSegmentSum on wasm (tl override) matches cpu', () => {
  beforeAll(initBackends);

  const cases: Array<{ name: string; x: number[]; ids: number[]; segments: number; idRange?: [number, number] }> = [
    { name: 'embedding-gradient shape', x: [64, 16], ids: [64], segments: 50 },
    { name: 'rank-3 x, rank-1 ids', x: [10, 3, 4], ids: [10], segments: 7 },
    { name: 'ids equal to x (scalar rows)', x: [30], ids: [30], segments: 5 },
    { name: 'one row', x: [1, 8], ids: [1], segments: 3 },
    { name: 'one segment', x: [12, 3], ids: [12], segments: 1 },
    { name: 'no rows', x: [0, 4], ids: [0], segments: 6 },
    { name: 'zero-width rows', x: [5, 0], ids: [5], segments: 3 },
    { name: 'negative and out-of-range ids are dropped', x: [40, 3], ids: [40], segments: 6, idRange: [-3, 10] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const xSize = c.x.reduce((a, b) => a * b, 1);
      const idSize = c.ids.reduce((a, b) => a * b, 1);
      const xv = randomValues(xSize, 1);
      const [lo, hi] = c.idRange ?? [0, c.segments];
      const iv = randomInts(idSize, 2, lo, hi);
      expectSameOnWasmAndCpu(
        () => tf.unsortedSegmentSum(tf.tensor(xv, c.x), tf.tensor(iv, c.ids, 'int32'), c.segments),
        1e-5, 1e-5, c.name,
      );
    });
  }

  it('rank-2 ids (tfjs cpu cannot; compared with the flattened problem on cpu)', () => {
    const xv = randomValues(4 * 5 * 6, 8);
    const iv = randomInts(20, 9, 0, 9);
    const [got] = runOn('wasm', () => tf.unsortedSegmentSum(tf.tensor(xv, [4, 5, 6]), tf.tensor(iv, [4, 5], 'int32'), 9));
    const [want] = runOn('cpu', () => tf.unsortedSegmentSum(tf.tensor(xv, [20, 6]), tf.tensor(iv, [20], 'int32'), 9));
    expectClose(got!, want!, 1e-5, 1e-5, 'rank-2 ids');
  });

  it('sums int32 values exactly (keeping int32, as TensorFlow does)', () => {
    const x = Int32Array.from(randomInts(24, 3, -50, 50));
    const ids = randomInts(8, 4, 0, 4);
    const [got] = runOn('wasm', () => tf.unsortedSegmentSum(tf.tensor(x, [8, 3], 'int32'), tf.tensor(ids, [8], 'int32'), 4));
    const [want] = runOn('cpu', () => tf.unsortedSegmentSum(tf.tensor(x, [8, 3], 'int32'), tf.tensor(ids, [8], 'int32'), 4));
    expect(got!.dtype).toBe('int32');
    expect(Array.from(got!.values)).toEqual(Array.from(want!.values));
  });

  it('is the gradient of gather on wasm', () => {
    const table = randomValues(20 * 4, 5);
    const idx = randomInts(13, 6, 0, 20);
    expectSameOnWasmAndCpu(() => {
      const t = tf.tensor(table, [20, 4]);
      const w = tf.tensor(randomValues(13 * 4, 7), [13, 4]);
      return tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, tf.tensor(idx, [13], 'int32')), w)))(t);
    });
  });
});
