import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { expectSameOnWasmAndCpu, initBackends, randomInts, randomValues } from './differential.js';

describe('Sum on wasm (tl override: adjacent axes without a transpose) matches cpu', () => {
  beforeAll(initBackends);

  const cases: Array<{ name: string; shape: number[]; axis: number | number[]; keepDims?: boolean }> = [
    { name: 'bias gradient (leading axis)', shape: [300, 24], axis: 0 },
    { name: 'inner not a multiple of 4', shape: [50, 7], axis: 0 },
    { name: 'last axis (rows)', shape: [9, 37], axis: -1 },
    { name: 'last axis, long rows', shape: [3, 1000], axis: 1 },
    { name: 'middle axis', shape: [4, 6, 5], axis: 1 },
    { name: 'two leading axes', shape: [3, 5, 8], axis: [0, 1] },
    { name: 'two trailing axes, keepDims', shape: [3, 5, 8], axis: [2, 1], keepDims: true },
    { name: 'all axes', shape: [4, 5, 6], axis: [0, 1, 2] },
    { name: 'keepDims leading', shape: [10, 4], axis: 0, keepDims: true },
    { name: 'size-1 reduced axis', shape: [1, 12], axis: 0 },
    { name: 'empty reduced axis gives zeros', shape: [0, 5], axis: 0 },
    { name: 'empty kept axis', shape: [5, 0], axis: 0 },
    { name: 'non-adjacent axes (tfjs kernel)', shape: [3, 4, 5], axis: [0, 2] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const v = randomValues(c.shape.reduce((a, b) => a * b, 1), 3);
      expectSameOnWasmAndCpu(() => tf.sum(tf.tensor(v, c.shape), c.axis, c.keepDims), 1e-5, 1e-5, c.name);
    });
  }

  it('int32 keeps tfjs kernel', () => {
    const v = randomInts(40, 4, -9, 9);
    expectSameOnWasmAndCpu(() => tf.sum(tf.tensor(v, [8, 5], 'int32'), 0), 0, 0);
  });

  it('a 4096-row column sum stays within float32 accumulation error', () => {
    const v = randomValues(4096 * 16, 5);
    expectSameOnWasmAndCpu(() => tf.sum(tf.tensor(v, [4096, 16]), 0), 1e-5, 1e-4);
  });
});
