import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmOverrides, WASM_KERNEL_OVERRIDES } from '../../src/backend/kernels/wasm/register.js';
import { initBackends } from './differential.js';

describe('registerWasmOverrides', () => {
  beforeAll(initBackends);

  it('registers every override for wasm, idempotently', () => {
    const names = Object.keys(WASM_KERNEL_OVERRIDES);
    const before = names.map((n) => tf.getKernel(n, 'wasm'));
    expect(before.every(Boolean)).toBe(true);
    registerWasmOverrides();
    registerWasmOverrides();
    expect(names.map((n) => tf.getKernel(n, 'wasm'))).toEqual(before);
  });

  it('leaves the cpu backend alone', () => {
    for (const name of Object.keys(WASM_KERNEL_OVERRIDES)) {
      // tfjs's kernels stay cpu's own; @tl/core's optional contracts (Tl…) stay unregistered there.
      if (name.startsWith('Tl')) expect(tf.getKernel(name, 'cpu'), name).toBeUndefined();
      else expect(tf.getKernel(name, 'cpu')?.backendName, name).toBe('cpu');
    }
  });

  it('makes embeddings trainable on wasm (UnsortedSegmentSum is registered)', () => {
    tf.setBackend('wasm');
    const g = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([0, 2, 2], 'int32'))))(tf.ones([3, 2])).arraySync());
    expect(g).toEqual([[1, 1], [0, 0], [2, 2]]);
  });
});
