import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSameOnWasmAndCpu, initBackends, randomValues } from './differential.js';

describe('Transpose and Cast on wasm (tl overrides: no copy when no data moves) match cpu', () => {
  beforeAll(initBackends);

  const perms: Array<{ shape: number[]; perm: number[] }> = [
    { shape: [3, 4], perm: [0, 1] },
    { shape: [3, 4], perm: [1, 0] },
    { shape: [1, 5, 1, 3], perm: [2, 1, 0, 3] },
    { shape: [2, 1, 3], perm: [1, 0, 2] },
    { shape: [2, 3, 4, 5], perm: [0, 2, 1, 3] },
    { shape: [2, 3, 4], perm: [2, 0, 1] },
    { shape: [0, 3], perm: [1, 0] },
  ];
  for (const { shape, perm } of perms) {
    it(`transpose [${shape}] by [${perm}]`, () => {
      const v = randomValues(shape.reduce((a, b) => a * b, 1), 1);
      expectSameOnWasmAndCpu(() => tf.transpose(tf.tensor(v, shape), perm), 0, 0);
    });
  }

  it('the gradient of gather (identity transposes) matches cpu and frees everything', () => {
    const table = randomValues(30 * 8, 2);
    expectSameOnWasmAndCpu(() => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tf.tensor1d([3, 3, 7, 29], 'int32')))))(tf.tensor(table, [30, 8])), 1e-6, 1e-6);
  });

  it('cast: same dtype shares, conversions keep tfjs semantics', () => {
    const v = Float32Array.from([-2.7, -0.5, 0, 0.5, 1.5, 3.9]);
    expectSameOnWasmAndCpu(() => [tf.cast(tf.tensor1d(v), 'float32'), tf.cast(tf.tensor1d(v), 'int32'), tf.cast(tf.tensor1d([1, 2], 'int32'), 'float32'), tf.cast(tf.tensor1d([1, 0], 'int32'), 'int32')], 0, 0);
  });

  it('a shared result outlives its source', () => {
    tf.setBackend('wasm');
    const x = tf.tensor2d([[1, 2, 3]]);
    const t = tf.transpose(x, [1, 0]);
    const c = tf.cast(x, 'float32');
    x.dispose();
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3]);
    expect(t.shape).toEqual([3, 1]);
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([t, c]);
  });
});
