import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createEngine, listBackends } from '@tl/core';

describe('createEngine', () => {
  it('activates the wasm backend by default and cpu by name', async () => {
    const e = await createEngine();
    expect(tf.getBackend()).toBe('wasm');
    expect(e.backend.name).toBe('wasm');
    const c = await createEngine({ backend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    expect(listBackends()).toEqual(expect.arrayContaining(['wasm', 'cpu']));
    await c.dispose();
  });
  it('rejects an unknown backend with the registered names', async () => {
    await expect(createEngine({ backend: 'nope' })).rejects.toThrow(/unknown backend "nope".*wasm/);
  });
});
