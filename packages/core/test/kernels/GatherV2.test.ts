import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSameOnWasmAndCpu, initBackends, randomInts, randomValues } from './differential.js';

describe('GatherV2 on wasm (tl override) matches cpu', () => {
  beforeAll(initBackends);

  const cases: Array<{ name: string; x: number[]; idx: number[]; axis: number; dtype?: 'int32' }> = [
    { name: 'embedding rows (slice ≥ 16)', x: [50, 32], idx: [40], axis: 0 },
    { name: 'narrow rows (slice < 16)', x: [50, 3], idx: [17], axis: 0 },
    { name: 'rank-2 indices', x: [20, 8], idx: [3, 5], axis: 0 },
    { name: 'inner axis', x: [4, 10, 6], idx: [7], axis: 1 },
    { name: 'last axis', x: [4, 10], idx: [12], axis: -1 },
    { name: 'scalar rows', x: [30], idx: [9], axis: 0 },
    { name: 'int32 table', x: [25, 20], idx: [11], axis: 0, dtype: 'int32' },
    { name: 'no indices', x: [10, 4], idx: [0], axis: 0 },
    { name: 'one row table', x: [1, 5], idx: [6], axis: 0 },
    { name: 'empty table axis', x: [3, 0], idx: [4], axis: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const size = c.x.reduce((a, b) => a * b, 1);
      const values = c.dtype === 'int32' ? randomInts(size, 1, -100, 100) : randomValues(size, 1);
      const dim = c.x[c.axis < 0 ? c.x.length + c.axis : c.axis]!;
      const idx = randomInts(c.idx.reduce((a, b) => a * b, 1), 2, 0, dim);
      expectSameOnWasmAndCpu(() => tf.gather(tf.tensor(values, c.x, c.dtype ?? 'float32'), tf.tensor(idx, c.idx, 'int32'), c.axis), 0, 0, c.name);
    });
  }

  it('batchDims > 0 (wrong in tfjs-wasm 4.22, right here)', () => {
    const values = randomValues(2 * 5 * 3, 3);
    const idx = randomInts(2 * 4, 4, 0, 5);
    expectSameOnWasmAndCpu(() => tf.gather(tf.tensor(values, [2, 5, 3]), tf.tensor(idx, [2, 4], 'int32'), 1, 1), 0, 0);
    const v2 = randomValues(2 * 3 * 6 * 4, 5);
    const i2 = randomInts(2 * 5, 6, 0, 6);
    expectSameOnWasmAndCpu(() => tf.gather(tf.tensor(v2, [2, 3, 6, 4]), tf.tensor(i2, [2, 5], 'int32'), 2, 1), 0, 0);
  });

  it('rejects an out-of-range index as tfjs does', () => {
    tf.setBackend('wasm');
    expect(() => tf.tidy(() => tf.gather(tf.zeros([4, 2]), tf.tensor1d([1, 4], 'int32')))).toThrow(/index value 4 is not in \[0, 3\]/);
    expect(() => tf.tidy(() => tf.gather(tf.zeros([4, 2]), tf.tensor1d([-1], 'int32')))).toThrow(/index value -1/);
  });
});
