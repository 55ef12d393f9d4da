import * as tf from '@tensorflow/tfjs-core';
import { TL_LAYER_NORM, TL_LAYER_NORM_BACKWARD, TL_LAYER_NORM_GAMMA_GRAD, hasLayerNormKernels, layerNorm } from '@tl/core';
import { describe, expect, it } from 'vitest';
import { compare, randn } from './helpers/compare-backends.js';
import { useBackendPair } from './helpers/backend-pair-hooks.js';
import { ATOL, RTOL } from './helpers/kernel-cases.js';

/**
 * @tl/core's `layerNorm` takes the fused TL_LAYER_NORM kernels on webgpu and composes tfjs ops on
 * cpu: the same call on both backends is the differential test (forward and all three gradients).
 */
describe(`fused ${TL_LAYER_NORM} / ${TL_LAYER_NORM_BACKWARD} / ${TL_LAYER_NORM_GAMMA_GRAD} on webgpu`, () => {
  useBackendPair();

  const cases = [
    { name: 'BERT hidden size, eps 1e-12', shape: [33, 768], eps: 1e-12 },
    { name: 'rank 3, hidden not a multiple of 64', shape: [3, 7, 100], eps: 1e-5 },
    { name: 'hidden smaller than the workgroup', shape: [9, 10], eps: 1e-12 },
    // dgamma's column sum over more than one 64-row block (two passes).
    { name: 'many rows', shape: [300, 64], eps: 1e-12 },
  ];
  for (const c of cases) {
    it(`matches the op composition on cpu, forward and gradients: ${c.name}`, async () => {
      const h = c.shape.at(-1)!;
      const fn = (x?: tf.Tensor, g?: tf.Tensor, b?: tf.Tensor, dy?: tf.Tensor): tf.Tensor[] => {
        const y = layerNorm(x!, g!, b!, c.eps);
        const grads = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(layerNorm(xx, gg, bb, c.eps), dy!)))([x!, g!, b!]);
        return [y, ...grads];
      };
      // Shifted and scaled rows, as residual streams are: the statistics matter.
      const x = randn(c.shape, 80, 3);
      x.values.forEach((v, i) => (x.values[i] = v + 5 * Math.sin(Math.floor(i / h))));
      const worst = await compare(fn, [x, randn([h], 81), randn([h], 82), randn(c.shape, 83)], RTOL);
      expect(worst.excess, `output ${worst.output}[${worst.index}]: webgpu ${worst.webgpu} vs cpu ${worst.cpu}`).toBeLessThanOrEqual(ATOL);
    });
  }

  it('is the path layerNorm takes on webgpu: 1 kernel forward, no tfjs statistics ops', async () => {
    await tf.setBackend('webgpu');
    expect(hasLayerNormKernels()).toBe(true);
    const [x, g, b, dy] = [tf.randomNormal([8, 32]), tf.ones([32]), tf.zeros([32]), tf.randomNormal([8, 32])];
    const fwd = await tf.profile(() => tf.tidy(() => void layerNorm(x, g, b, 1e-12)));
    expect(fwd.kernels.map((k) => k.name)).toEqual([TL_LAYER_NORM]);
    const bwd = await tf.profile(() => tf.tidy(() => void tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(layerNorm(a, c, d, 1e-12), dy)))([x, g, b])));
    const names = bwd.kernels.map((k) => k.name);
    expect(names).toContain(TL_LAYER_NORM_BACKWARD);
    // dgamma in its own kernel: no second forward, no ones/zeros for it.
    expect(names.filter((n) => n === TL_LAYER_NORM_GAMMA_GRAD)).toHaveLength(1);
    expect(names.filter((n) => n === TL_LAYER_NORM)).toHaveLength(1);
    for (const op of ['Mean', 'Square', 'Sub', 'Rsqrt', 'OnesLike', 'ZerosLike']) expect(names).not.toContain(op);
    // The loss's own 5 kernels + LayerNorm's 4 (the kernel, its backward, dgamma, Σ dy); the op
    // composition needs ~45 for forward and backward.
    expect(names.filter((n) => !['Reshape', 'Identity'].includes(n)).length).toBeLessThanOrEqual(9);
    tf.dispose([x, g, b, dy]);
  });
});
