import * as tf from '@tensorflow/tfjs-core';
import { TL_ADAMW_UPDATE, TL_DROPOUT, TL_GELU, TL_GELU_BACKWARD, TL_LAYER_NORM, TL_LAYER_NORM_BACKWARD, createEngine, hasAdamWKernel, hasDropoutKernel, hasGeluKernels, hasLayerNormKernels } from '@tl/core';
import { describe, expect, it } from 'vitest';
import { registerWebGpuKernels, withoutTlSpeedups } from '../src/index.js';

/** What tl registers for webgpu, and the baseline switch the device check measures against. */
describe('tl webgpu kernel registration', () => {
  const fused = [TL_ADAMW_UPDATE, TL_DROPOUT, TL_LAYER_NORM, TL_LAYER_NORM_BACKWARD, TL_GELU, TL_GELU_BACKWARD];
  const coreSees = (): boolean[] => [hasAdamWKernel('webgpu'), hasDropoutKernel('webgpu'), hasLayerNormKernels('webgpu'), hasGeluKernels('webgpu')];
  const wrappedId = async (): Promise<number> => {
    // tl's UnsortedSegmentSum drops id 3 ≥ numSegments; tfjs's webgpu kernel wraps it to segment 0.
    const out = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor1d([5]), tf.tensor1d([3], 'int32'), 3));
    const v = (await out.data())[0]!;
    out.dispose();
    return v;
  };

  it("registers every @tl/core fused kernel once (idempotent), and withoutTlSpeedups removes them and tl's UnsortedSegmentSum for its duration", async () => {
    const engine = await createEngine({ backend: 'webgpu' });
    registerWebGpuKernels();
    for (const name of fused) expect(tf.getKernel(name, 'webgpu'), name).toBeDefined();
    expect(coreSees()).toEqual([true, true, true, true]);
    expect(await wrappedId()).toBe(0);
    const inside = await withoutTlSpeedups(async () => ({ sees: coreSees(), wrapped: await wrappedId() }));
    expect(inside).toEqual({ sees: [false, false, false, false], wrapped: 5 });
    expect(coreSees()).toEqual([true, true, true, true]);
    expect(await wrappedId()).toBe(0);
    await engine.dispose();
  });
});
