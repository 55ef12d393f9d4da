import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSameOnWasmAndCpu, initBackends, randomValues } from './differential.js';

describe('Identity on wasm (tl override: shared, reference-counted buffer)', () => {
  beforeAll(initBackends);

  it('clone, same-dtype cast and no-op transpose give equal values', () => {
    const v = randomValues(24, 1);
    expectSameOnWasmAndCpu(() => {
      const x = tf.tensor(v, [2, 3, 4]);
      return [tf.clone(x), tf.cast(x, 'float32'), tf.transpose(tf.reshape(x, [24, 1]), [1, 0])];
    }, 0, 0);
  });

  it('a clone shares its source\'s buffer, survives disposing it, and freeing both releases the memory', () => {
    tf.setBackend('wasm');
    const buffers = (): number => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const before = { tensors: tf.memory().numTensors, bytes: tf.memory().numBytes, buffers: buffers() };
    const x = tf.tensor([1, 2, 3]);
    const y = tf.clone(x);
    // Shared, not copied: two tensors, one buffer of 3 floats.
    expect(buffers()).toBe(before.buffers + 1);
    x.dispose();
    expect(buffers()).toBe(before.buffers + 1);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before.tensors);
    expect(tf.memory().numBytes).toBe(before.bytes);
    expect(buffers()).toBe(before.buffers);
  });

  it('keeps variables independent of the value they were assigned from', () => {
    tf.setBackend('wasm');
    const v = tf.variable(tf.tensor([1, 2]));
    const c = tf.clone(v);
    v.assign(tf.tensor([5, 6]));
    expect(Array.from(c.dataSync())).toEqual([1, 2]);
    expect(Array.from(v.dataSync())).toEqual([5, 6]);
    tf.dispose([v, c]);
  });

  it('string tensors still go through tfjs', () => {
    tf.setBackend('wasm');
    const s = tf.tensor(['a', 'b']);
    const c = tf.clone(s);
    expect(c.dataSync()).toEqual(['a', 'b']);
    tf.dispose([s, c]);
  });
});
