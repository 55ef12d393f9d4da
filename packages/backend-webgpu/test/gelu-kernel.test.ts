import * as tf from '@tensorflow/tfjs-core';
import { TL_GELU, TL_GELU_BACKWARD, activation, hasGeluKernels } from '@tl/core';
import { describe, expect, it } from 'vitest';
import { compare, randn } from './helpers/compare-backends.js';
import { useBackendPair } from './helpers/backend-pair-hooks.js';
import { ATOL, RTOL } from './helpers/kernel-cases.js';

/** @tl/core's `gelu` takes the fused TL_GELU kernels on webgpu and composes tfjs ops on cpu. */
describe(`fused ${TL_GELU} / ${TL_GELU_BACKWARD} on webgpu`, () => {
  useBackendPair();
  const gelu = activation('gelu');

  it('matches the op composition on cpu, forward and gradient (including large |x|)', async () => {
    const fn = (x?: tf.Tensor, dy?: tf.Tensor): tf.Tensor[] => [gelu(x!), tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gelu(t), dy!)))(x!)];
    const worst = await compare(fn, [randn([37, 65], 90, 3), randn([37, 65], 91)], RTOL);
    expect(worst.excess, `output ${worst.output}[${worst.index}]: webgpu ${worst.webgpu} vs cpu ${worst.cpu}`).toBeLessThanOrEqual(ATOL);
  });

  it('is one kernel each way on webgpu', async () => {
    await tf.setBackend('webgpu');
    expect(hasGeluKernels()).toBe(true);
    const x = tf.randomNormal([4, 8]);
    const info = await tf.profile(() => tf.tidy(() => void tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x)));
    const names = info.kernels.map((k) => k.name).filter((n) => !['Reshape', 'Identity'].includes(n));
    expect(names.filter((n) => n === TL_GELU || n === TL_GELU_BACKWARD)).toEqual([TL_GELU, TL_GELU_BACKWARD]);
    expect(names).not.toContain('Erf');
    x.dispose();
  });
});
