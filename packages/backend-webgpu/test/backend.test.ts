import * as tf from '@tensorflow/tfjs-core';
import { createEngine, isTlError, listBackends } from '@tl/core';
import { afterEach, describe, expect, it } from 'vitest';
import { WebGpuBackend, parseWebGpuOptions } from '../src/index.js';

describe('webgpu backend', () => {
  afterEach(async () => {
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  });

  it('registers by name on import and activates through createEngine', async () => {
    expect(listBackends()).toContain('webgpu');
    const engine = await createEngine({ backend: 'webgpu' });
    expect(tf.getBackend()).toBe('webgpu');
    const caps = engine.backend.capabilities();
    expect(caps.device).toBe('gpu');
    expect(caps.description).toMatch(/^WebGPU .*Dawn backend=/);
    // Our kernels went into the same tfjs-core instance the test (and @tl/core) use.
    expect(tf.getKernel('UnsortedSegmentSum', 'webgpu')).toBeDefined();
    const y = tf.matMul(tf.ones([2, 3]), tf.ones([3, 4]));
    expect(Array.from(await y.data())).toEqual(new Array(8).fill(3));
    y.dispose();
    await engine.dispose();
    expect(tf.findBackendFactory('webgpu')).toBeNull();
  });

  it('can be initialised again after dispose', async () => {
    const b = new WebGpuBackend();
    await b.init();
    await b.dispose();
    await b.init();
    expect(tf.getBackend()).toBe('webgpu');
    const s = tf.sum(tf.tensor1d([1, 2, 3]));
    expect((await s.data())[0]).toBe(6);
    s.dispose();
    await b.dispose();
  });

  it('fails with what it tried when no adapter answers', async () => {
    // Metal exists only on Apple platforms: a certain "no adapter" on Linux.
    const err = await new WebGpuBackend({ dawnBackend: 'metal' }).init().catch((e: unknown) => e);
    expect(isTlError(err) && err.code).toBe('BACKEND');
    expect((err as Error).message).toMatch(/^no WebGPU adapter found; tried Dawn backend=metal, featureLevel=core, powerPreference=high-performance: no adapter/);
    expect((err as Error).message).toMatch(/install-deps\.sh/);
    expect(tf.getBackend()).not.toBe('webgpu');
  });

  it('names the adapter it asked for', async () => {
    const err = await new WebGpuBackend({ dawnBackend: 'opengl', adapter: 'No Such GPU' }).init().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/tried Dawn backend=opengl, adapter="No Such GPU", featureLevel=compatibility/);
  });

  it('rejects bad options with the field and its source', () => {
    expect(() => new WebGpuBackend({ dawnBackend: 'cuda' })).toThrow(/webgpu backend option dawnBackend: /);
    expect(() => parseWebGpuOptions({}, { TL_WEBGPU_FEATURE_LEVEL: 'turbo' })).toThrow(/featureLevel \(from TL_WEBGPU_FEATURE_LEVEL\)/);
    expect(() => new WebGpuBackend({ gpuName: 'x' })).toThrow(/webgpu backend option/);
    expect(parseWebGpuOptions({ featureLevel: 'core' }, { TL_WEBGPU_DAWN_BACKEND: 'opengl', TL_WEBGPU_FEATURE_LEVEL: 'compatibility' })).toEqual({
      dawnBackend: 'opengl',
      featureLevel: 'core',
    });
  });

  it('says to read asynchronously when a GPU tensor is read synchronously in Node', async () => {
    const engine = await createEngine({ backend: 'webgpu' });
    const y = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])); // big enough to run on the GPU, not the CPU fallback
    expect(() => y.dataSync()).toThrow(/cannot read a GPU tensor synchronously .*await tensor\.data\(\)/);
    expect((await y.data())[0]).toBe(64);
    y.dispose();
    await engine.dispose();
  });
});
