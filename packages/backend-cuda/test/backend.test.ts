/** The tl Backend side: registration by name, activation, and the CUDA backend's refusal without a GPU. */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createEngine, isTlError, listBackends } from '@tl/core';
import { CudaBackend, loadAddon, TorchCpuBackend } from '../src/index.js';

describe('@tl/backend-cuda registration', () => {
  it('registers cuda and torch-cpu by name in the core container', () => {
    expect(listBackends()).toEqual(expect.arrayContaining(['cuda', 'torch-cpu']));
  });

  it('createEngine({ backend: "torch-cpu" }) activates libtorch on the shared tfjs-core', async () => {
    const engine = await createEngine({ backend: 'torch-cpu', backendOptions: { threads: '2' } });
    expect(engine.tf.getBackend()).toBe('torch-cpu');
    expect(engine.tf.engine()).toBe(tf.engine());
    expect(engine.backend.capabilities()).toMatchObject({ device: 'cpu', description: expect.stringMatching(/^libtorch .* CPU, 2 threads$/) });
    const y = tf.add(tf.tensor1d([1, 2]), 1);
    expect(Array.from(await y.data())).toEqual([2, 3]);
    y.dispose();
    await engine.dispose();
  });

  it('accepts a backend instance', async () => {
    const engine = await createEngine({ backend: new TorchCpuBackend({ threads: 1 }) });
    expect(engine.backend.name).toBe('torch-cpu');
    expect(loadAddon().addon.getThreads()).toBe(1);
  });

  // Both kinds of machine: a GPU one must initialise device 0 and refuse a device past the last; a
  // machine without one must refuse device 0 and say what it tried.
  it('CudaBackend.init() runs on a GPU and is a BACKEND TlError that says what was tried elsewhere', async () => {
    const { addon } = loadAddon();
    const initError = async (device: number): Promise<unknown> => {
      try {
        await new CudaBackend({ device }).init();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    if (addon.cudaAvailable()) {
      const count = addon.cudaDeviceCount();
      expect(count).toBeGreaterThan(0);
      const past = await initError(count);
      expect(isTlError(past) && past.code).toBe('BACKEND');
      expect((past as Error).message).toBe(`cuda: device ${count} requested but libtorch sees ${count} CUDA device(s)`);
      const gpu = new CudaBackend({ device: 0 });
      await gpu.init();
      expect(gpu.capabilities()).toMatchObject({ device: 'gpu', description: expect.stringMatching(/ cuda:0$/) });
      expect(tf.getBackend()).toBe('cuda');
      const y = tf.add(tf.tensor1d([1, 2]), 1);
      expect(Array.from(await y.data())).toEqual([2, 3]);
      y.dispose();
      await tf.setBackend('torch-cpu');
    } else {
      const caught = await initError(0);
      expect(isTlError(caught) && caught.code).toBe('BACKEND');
      expect((caught as Error).message).toMatch(/torch::cuda::is_available\(\) is false/);
      expect((caught as Error).message).toMatch(/tl_torch\.node/);
    }
  });

  it('rejects a bad device index up front', () => {
    expect(() => new CudaBackend({ device: -1 })).toThrow(/device must be a non-negative integer/);
  });
});
