import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { expectClose, expectSameOnWasmAndCpu, initBackends, randomValues, runOn } from './differential.js';

/** Shapes as matMul's caller writes them (already transposed where transposeA/B say so). */
function operandShapes(batchA: number[], batchB: number[], m: number, k: number, n: number, ta: boolean, tb: boolean) {
  return {
    a: [...batchA, ...(ta ? [k, m] : [m, k])],
    b: [...batchB, ...(tb ? [n, k] : [k, n])],
  };
}

describe('BatchMatMul on wasm (tl override) matches cpu', () => {
  beforeAll(initBackends);

  const dims: Array<{ name: string; batchA: number[]; batchB: number[]; m: number; k: number; n: number }> = [
    { name: '2-D', batchA: [], batchB: [], m: 17, k: 23, n: 9 },
    { name: 'linear layer x·Wᵀ shape', batchA: [], batchB: [], m: 64, k: 32, n: 48 },
    { name: 'batched (attention)', batchA: [3, 2], batchB: [3, 2], m: 8, k: 5, n: 8 },
    { name: 'b broadcast over a batch', batchA: [4], batchB: [], m: 6, k: 7, n: 5 },
    { name: 'b batch of ones broadcast', batchA: [2, 3], batchB: [1, 1], m: 4, k: 3, n: 5 },
    { name: 'a broadcast over b batch', batchA: [1], batchB: [5], m: 3, k: 4, n: 6 },
    { name: 'size-1 matrices', batchA: [2], batchB: [2], m: 1, k: 1, n: 1 },
    { name: 'm = 1, n = 1', batchA: [], batchB: [], m: 1, k: 31, n: 1 },
    { name: 'empty batch', batchA: [0], batchB: [0], m: 3, k: 4, n: 2 },
    { name: 'm = 0', batchA: [], batchB: [], m: 0, k: 4, n: 2 },
    { name: 'k = 0 gives zeros', batchA: [2], batchB: [2], m: 3, k: 0, n: 2 },
  ];
  for (const d of dims) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`${d.name}, transposeA=${ta}, transposeB=${tb}`, () => {
          const { a, b } = operandShapes(d.batchA, d.batchB, d.m, d.k, d.n, ta, tb);
          const av = randomValues(a.reduce((x, y) => x * y, 1), 11);
          const bv = randomValues(b.reduce((x, y) => x * y, 1), 12);
          expectSameOnWasmAndCpu(() => tf.matMul(tf.tensor(av, a), tf.tensor(bv, b), ta, tb), 1e-5, 1e-5, d.name);
        });
      }
    }
  }

  // tfjs cpu flattens batch dims and indexes them modulo, which is only right when one side's batch
  // is all ones or both are equal; a two-sided broadcast is checked against explicitly tiled operands.
  it('two-sided batch broadcast [2,1] × [1,3]', () => {
    const av = randomValues(2 * 1 * 4 * 5, 13);
    const bv = randomValues(1 * 3 * 5 * 6, 14);
    const [got] = runOn('wasm', () => tf.matMul(tf.tensor(av, [2, 1, 4, 5]), tf.tensor(bv, [1, 3, 5, 6])));
    const [want] = runOn('cpu', () =>
      tf.matMul(tf.tile(tf.tensor(av, [2, 1, 4, 5]), [1, 3, 1, 1]), tf.tile(tf.tensor(bv, [1, 3, 5, 6]), [2, 1, 1, 1])),
    );
    expectClose(got!, want!, 1e-5, 1e-5, 'two-sided broadcast');
  });

  it('BERT-sized products (weight gradient and attention) agree to 1e-5 relative', () => {
    const dy = randomValues(256 * 96, 15);
    const x = randomValues(256 * 80, 16);
    expectSameOnWasmAndCpu(() => tf.matMul(tf.tensor(dy, [256, 96]), tf.tensor(x, [256, 80]), true, false), 1e-5, 1e-4);
    const q = randomValues(2 * 2 * 32 * 16, 17);
    const k = randomValues(2 * 2 * 32 * 16, 18);
    expectSameOnWasmAndCpu(() => tf.matMul(tf.tensor(q, [2, 2, 32, 16]), tf.tensor(k, [2, 2, 32, 16]), false, true));
  });

  it('gradients of matMul with transposes match cpu', () => {
    const av = randomValues(3 * 7 * 5, 19);
    const bv = randomValues(3 * 4 * 5, 20);
    expectSameOnWasmAndCpu(() => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a, b, false, true))));
      return g([tf.tensor(av, [3, 7, 5]), tf.tensor(bv, [3, 4, 5])]);
    }, 1e-5, 1e-5);
  });
});
