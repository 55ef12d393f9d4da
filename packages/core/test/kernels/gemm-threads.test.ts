import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GemmThreads, splitRange } from '../../src/backend/kernels/wasm/simd/gemm-threads.js';
import { setGemmThreads } from '../../src/backend/kernels/wasm/simd/simd-module.js';
import { WasmBackend } from '../../src/backend/wasm-backend.js';
import { expectClose, initBackends, randomValues, runOn } from './differential.js';

/**
 * The GEMM split across worker threads must give exactly the single-threaded GEMM's bits (every
 * output element runs the same depth loop in the same order), for every way the job is split:
 * by batch matrices, by rows of C (row-major and transposed A), by 8-wide column panels.
 */
describe('BatchMatMul on wasm split across worker threads', () => {
  // Three threads, so splits are uneven and every worker path runs even on a 2-core machine.
  let pool: GemmThreads;
  beforeAll(async () => {
    await initBackends();
    pool = (await GemmThreads.start(3))!;
    expect(pool).toBeDefined();
  });
  afterAll(async () => {
    setGemmThreads(undefined);
    await pool?.dispose();
  });

  // `tile`: tfjs cpu gets a two-sided batch broadcast wrong, so it is given explicitly tiled operands.
  const cases: Array<{ name: string; a: number[]; b: number[]; ta?: boolean; tb?: boolean; tile?: [number[], number[]] }> = [
    { name: 'stacked batch × one matrix, n not a multiple of 8', a: [4, 300, 200], b: [200, 70] },
    { name: 'weight gradient (transposeA)', a: [512, 300], b: [512, 96], ta: true },
    { name: 'linear layer (transposeB)', a: [300, 256], b: [200, 256], tb: true },
    { name: 'attention scores (batched, transposeB)', a: [2, 4, 128, 64], b: [2, 4, 128, 64], tb: true },
    { name: 'two-sided broadcast batches', a: [3, 1, 128, 64], b: [1, 4, 64, 128], tile: [[1, 4, 1, 1], [3, 1, 1, 1]] },
    { name: 'fewer matrices than threads (transposeA)', a: [2, 200, 300], b: [2, 200, 100], ta: true },
    { name: 'wide C: split by column panels', a: [40, 64], b: [64, 4096] },
    { name: 'narrow C: split by rows', a: [5000, 300], b: [300, 5] },
  ];

  for (const c of cases) {
    it(`${c.name}: bitwise equal to one thread, close to cpu`, () => {
      const av = randomValues(c.a.reduce((x, y) => x * y, 1), 21);
      const bv = randomValues(c.b.reduce((x, y) => x * y, 1), 22);
      const product = () => tf.matMul(tf.tensor(av, c.a), tf.tensor(bv, c.b), c.ta, c.tb);

      const run = vi.spyOn(pool, 'run');
      setGemmThreads(pool);
      const [threaded] = runOn('wasm', product);
      setGemmThreads(undefined);
      expect(run.mock.results.some((r) => r.value === true), 'the product was split across threads').toBe(true);
      run.mockRestore();

      const [single] = runOn('wasm', product);
      expect(threaded!.shape).toEqual(single!.shape);
      expect(Buffer.from(threaded!.values.buffer).equals(Buffer.from(single!.values.buffer))).toBe(true);
      const [want] = runOn('cpu', () =>
        c.tile
          ? tf.matMul(tf.tile(tf.tensor(av, c.a), c.tile[0]), tf.tile(tf.tensor(bv, c.b), c.tile[1]), c.ta, c.tb)
          : product(),
      );
      expectClose(threaded!, want!, 1e-4, 1e-4, c.name);
    });
  }

  it('small products stay on the calling thread', () => {
    setGemmThreads(pool);
    const run = vi.spyOn(pool, 'run');
    runOn('wasm', () => tf.matMul(tf.ones([16, 16]), tf.ones([16, 16])));
    expect(run.mock.results.every((r) => r.value === false)).toBe(true);
    run.mockRestore();
    setGemmThreads(undefined);
  });

  it('splitRange covers the range in order, in whole units but the last', () => {
    expect(splitRange(10, 3, 1)).toEqual([[0, 3], [3, 7], [7, 10]]);
    expect(splitRange(70, 2, 8)).toEqual([[0, 40], [40, 70]]);
    expect(splitRange(2, 3, 1)).toEqual([[0, 1], [1, 1], [1, 2]]);
  });

  it('the threads option is validated', async () => {
    await expect(new WasmBackend({ threads: 0 }).init()).rejects.toThrow(/threads must be a positive integer, got 0/);
  });
});
