/**
 * Every kernel the libtorch backend registers, checked against tfjs's reference `cpu` backend on
 * the same random inputs: broadcasting, empty and size-one tensors, float32/int32/bool.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '@tl/core';
import { loadAddon, TorchCpuBackend, torchKernels } from '../src/index.js';
import { kernelCases } from './differential/cases.js';
import { difference, evaluate } from './differential/compare.js';

const cases = kernelCases();

beforeAll(async () => {
  await new CpuBackend().init();
  await new TorchCpuBackend().init();
});

describe('torch-cpu kernels match tfjs cpu', () => {
  it.each(cases.map((c, i) => ({ ...c, seed: 1000 + i })))('$kernel: $label', async (c) => {
    await tf.setBackend('cpu');
    const want = evaluate(tf, c, c.seed);
    await tf.setBackend('torch-cpu');
    const got = evaluate(tf, c, c.seed);
    expect(difference(got, want, c.tol ?? 1e-5, c.dtype)).toBeUndefined();
  });

  it('has a differential case for every registered kernel', () => {
    const covered = new Set(cases.map((c) => c.kernel));
    // Tl* kernels (@tl/core's fused-kernel contracts) have no tfjs cpu twin; test/fused/ checks each
    // against core's tfjs-op fallback on cpu.
    const missing = torchKernels(loadAddon().addon)
      .map((k) => k.name)
      .filter((name) => !covered.has(name) && !name.startsWith('Tl'));
    expect(missing).toEqual([]);
  });
});
