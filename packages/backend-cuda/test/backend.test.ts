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

  it('CudaBackend.init() without a usable GPU is a BACKEND TlError that says what was tried', async () => {
    if (loadAddon().addon.cudaAvailable()) return; // a GPU machine: covered by scripts/device-check.sh
    let caught: unknown;
    try {
      await new CudaBackend({ device: 0 }).init();
    } catch (e) {
      caught = e;
    }
    expect(isTlError(caught) && caught.code).toBe('BACKEND');
    expect((caught as Error).message).toMatch(/torch::cuda::is_available\(\) is false/);
    expect((caught as Error).message).toMatch(/tl_torch\.node/);
  });

  it('rejects a bad device index up front', () => {
    expect(() => new CudaBackend({ device: -1 })).toThrow(/device must be a non-negative integer/);
  });
});
