/**
 * A training step of the real BERT classifier (tiny dims, @tl/core's buildModel with core's fused
 * kernels: LayerNorm, attention softmax, GELU) gives the same loss and gradients on torch-cpu as on cpu.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, CpuBackend } from '@tl/core';
import { TorchCpuBackend } from '../src/index.js';
import { tinyBertLossAndGrads, TINY_BERT_PARAMETER_COUNT, worstGradientDifference } from '../../core/test/support/tiny-bert-step.js';

async function run(backend: string): Promise<{ loss: number; grads: Record<string, Float32Array> }> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const result = tinyBertLossAndGrads(buildModel, 7);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

beforeAll(async () => {
  await new CpuBackend().init();
  await new TorchCpuBackend().init();
});

describe('BERT training step on torch-cpu (the real model)', () => {
  it('matches cpu: loss and every gradient within 1e-4', async () => {
    const want = await run('cpu');
    const got = await run('torch-cpu');
    expect(Math.abs(got.loss - want.loss)).toBeLessThan(1e-4);
    expect(Object.keys(got.grads).sort()).toEqual(Object.keys(want.grads).sort());
    expect(Object.keys(got.grads)).toHaveLength(TINY_BERT_PARAMETER_COUNT);
    const worst = worstGradientDifference(got.grads, want.grads);
    expect(worst.diff, `largest gradient difference in ${worst.name}`).toBeLessThan(1e-4);
  });
});
