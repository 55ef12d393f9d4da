/**
 * TL_GLOBAL_NORM on torch-cpu against @tl/core's composition (`globalGradNorm` runs the kernel where
 * it is registered and Square + Sum per tensor otherwise): the same float32 bits as the composition
 * on torch-cpu (the addon sums as core does), within 1e-6 of it on tfjs cpu (which sums in another
 * order), one kernel call, and NaN / Infinity passed through for the Trainer's non-finite policy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TL_GLOBAL_NORM, globalGradNorm, hasGlobalNormKernel } from '@tl/core';
import { withoutTlKernels } from '../../src/index.js';
import { initBackends, inputs, kernelsRun, valuesOn } from './helpers.js';

beforeAll(initBackends);

const SHAPES = [[17, 9], [9], [1], [0, 3], [4, 5, 6]];

function norms(seed: number, shapes: number[][], poison?: number): () => tf.Tensor[] {
  return () => {
    const r = inputs(seed);
    const xs = shapes.map((s) => r.float(s, -3, 3));
    if (poison !== undefined) xs[1] = tf.fill(xs[1]!.shape, poison);
    return [globalGradNorm(xs)];
  };
}

describe('TL_GLOBAL_NORM on torch-cpu', () => {
  it('is registered, so core uses it', () => {
    expect(hasGlobalNormKernel('torch-cpu')).toBe(true);
    expect(hasGlobalNormKernel('cpu')).toBe(false);
  });

  it.each([
    { label: 'five tensors of several ranks (one empty)', shapes: SHAPES },
    { label: 'one tensor', shapes: [[31, 7]] },
  ])('$label: the composition\'s bits on torch-cpu, within 1e-6 of it on cpu', async ({ shapes }) => {
    const [got] = await valuesOn('torch-cpu', norms(5, shapes));
    const [composed] = await withoutTlKernels(() => valuesOn('torch-cpu', norms(5, shapes)));
    const [cpu] = await valuesOn('cpu', norms(5, shapes));
    expect(cpu![0]).toBeGreaterThan(0);
    expect(got![0]).toBe(composed![0]);
    expect(Math.abs(got![0]! - cpu![0]!) / cpu![0]!).toBeLessThan(1e-6);
  });

  it.each([NaN, Infinity])('a gradient holding %s gives a non-finite norm', async (bad) => {
    const [got] = await valuesOn('torch-cpu', norms(6, SHAPES, bad));
    const [want] = await withoutTlKernels(() => valuesOn('torch-cpu', norms(6, SHAPES, bad)));
    expect(Number.isFinite(got![0])).toBe(false);
    expect(got![0]).toBe(want![0]);
  });

  it('is one kernel call for all tensors', async () => {
    await tf.setBackend('torch-cpu');
    const run = await kernelsRun(() => norms(7, SHAPES)());
    expect(run.get(TL_GLOBAL_NORM)).toBe(1);
    expect(run.has('Square')).toBe(false);
  });
});
