/** Tensor lifetime on the libtorch backend: nothing leaks in tfjs's books or in the addon's table. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend, isTlError } from '@tl/core';
import { loadAddon, TorchCpuBackend, type TorchBackend } from '../src/index.js';

const live = (): number => loadAddon().addon.liveHandles();
const dataIds = (): number => tf.engine().backend.numDataIds();

beforeAll(async () => {
  await new CpuBackend().init();
  await new TorchCpuBackend().init();
});

describe('torch-cpu memory', () => {
  it('frees every tensor a tidy made, in tfjs and in the addon', () => {
    const before = { tensors: tf.memory().numTensors, ids: dataIds(), live: live() };
    const kept = tf.tidy(() => {
      const a = tf.randomNormal([8, 16]);
      const b = tf.transpose(tf.reshape(a, [16, 8]));
      const probs = tf.softmax(tf.matMul(a, b, false, true));
      return tf.concat([...tf.split(probs, 2), tf.gather(probs, tf.tensor1d([0, 3], 'int32'))]);
    });
    expect(tf.memory().numTensors).toBe(before.tensors + 1);
    expect(dataIds()).toBe(before.ids + 1);
    expect(live()).toBe(before.live + 1);
    kept.dispose();
    expect(tf.memory().numTensors).toBe(before.tensors);
    expect(dataIds()).toBe(before.ids);
    expect(live()).toBe(before.live);
  });

  it('scalars come from a table by value (one ATen tensor behind many handles), each handle freed on its own', () => {
    const before = { ids: dataIds(), live: live() };
    const values = [0.5, 0.5, -0, 0, NaN, Infinity, 1];
    const floats = values.map((v) => tf.scalar(v));
    const others = [tf.scalar(1, 'int32'), tf.scalar(-7, 'int32'), tf.scalar(true, 'bool'), tf.scalar(false, 'bool')];
    expect(live()).toBe(before.live + values.length + others.length);
    expect(floats.map((t) => t.dataSync()[0])).toEqual(values);
    expect(Object.is(floats[2]!.dataSync()[0], -0)).toBe(true);
    expect(others.map((t) => [t.dtype, t.dataSync()[0]])).toEqual([['int32', 1], ['int32', -7], ['bool', 1], ['bool', 0]]);
    // An op on a shared scalar writes a new tensor: the table's value stays.
    const y = tf.tidy(() => tf.add(floats[0]!, 1));
    expect(y.dataSync()[0]).toBe(1.5);
    const again = tf.scalar(0.5);
    expect(again.dataSync()[0]).toBe(0.5);
    tf.dispose([...floats, ...others, y, again]);
    expect(dataIds()).toBe(before.ids);
    expect(live()).toBe(before.live);
  });

  it('keeps one native tensor per tfjs data buffer', () => {
    const xs = [tf.zeros([3]), tf.ones([2, 2], 'int32'), tf.tensor([true, false], [2], 'bool')];
    expect(live()).toBe(dataIds());
    tf.dispose(xs);
    expect(live()).toBe(dataIds());
  });

  it('shares data for variables and clones and frees it with the last reference', () => {
    const before = live();
    const x = tf.tensor1d([1, 2, 3]);
    const v = tf.variable(x);
    const c = tf.clone(x);
    x.dispose();
    expect(Array.from(v.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    v.dispose();
    c.dispose();
    expect(live()).toBe(before);
  });

  it('a training step (variableGrads + Adam) leaves the tensor count unchanged', () => {
    const w = tf.variable(tf.randomNormal([6, 4], 0, 0.1, 'float32', 1));
    const x = tf.randomNormal([5, 6], 0, 1, 'float32', 2);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 1], 'int32'), 4);
    const optimizer = tf.train.adam(0.01);
    const step = (): void => {
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, tf.matMul(x, w)), [w]);
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      tf.dispose([value, grads]);
    };
    step(); // creates the optimizer's moments
    const before = { tensors: tf.memory().numTensors, live: live() };
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before.tensors);
    expect(live()).toBe(before.live);
    optimizer.dispose();
    tf.dispose([w, x, y]);
  });

  it('keeps string tensors in JS and moves data from another backend on first use', async () => {
    const s = tf.tensor(['a', 'bc']);
    expect(await s.array()).toEqual(['a', 'bc']);
    s.dispose();
    await tf.setBackend('cpu');
    const onCpu = tf.tensor1d([1, 2, 3]);
    await tf.setBackend('torch-cpu');
    const doubled = tf.mul(onCpu, 2);
    expect(Array.from(await doubled.data())).toEqual([2, 4, 6]);
    tf.dispose([onCpu, doubled]);
  });

  it('a Reshape to the same shape shares the data without the addon; to another shape it calls it', () => {
    const b = tf.backend() as TorchBackend;
    const x = tf.tensor([[1, 2, 3], [4, 5, 6]]);
    const before = b.addon.liveHandles();
    const same = tf.reshape(x, [2, 3]);
    expect(same.dataId).toBe(x.dataId);
    expect(b.addon.liveHandles()).toBe(before);
    const other = tf.reshape(x, [3, 2]);
    expect(other.dataId).not.toBe(x.dataId);
    expect(b.addon.liveHandles()).toBe(before + 1);
    x.dispose();
    expect(same.arraySync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(other.arraySync()).toEqual([[1, 2], [3, 4], [5, 6]]);
    tf.dispose([same, other]);
    expect(b.addon.liveHandles()).toBe(before - 1);
  });
});

describe('torch-cpu errors', () => {
  it('a kernel the backend lacks fails naming the kernel and the backend', () => {
    expect(() => tf.conv2d(tf.zeros([1, 4, 4, 1]) as tf.Tensor4D, tf.zeros([2, 2, 1, 1]) as tf.Tensor4D, 1, 'same')).toThrow(
      /Conv2D.*torch-cpu/,
    );
  });

  it('an ATen failure is a KERNEL TlError naming the kernel and its inputs', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([4, 5]);
    let caught: unknown;
    try {
      tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
    } catch (e) {
      caught = e;
    }
    expect(isTlError(caught) && caught.code).toBe('KERNEL');
    expect((caught as Error).message).toMatch(/^BatchMatMul on torch-cpu \(inputs float32\[2,3\], float32\[4,5\]\): .*2x3.*4x5/);
    tf.dispose([a, b]);
  });

  it('strings reach no native kernel; Identity (clone) shares them in JS', () => {
    const s = tf.tensor(['a', 'bc']);
    expect(() => tf.engine().runKernel('Reshape', { x: s }, { shape: [2, 1] })).toThrow(/Reshape.*string tensors are not supported/);
    const c = s.clone();
    expect(c.dataSync()).toEqual(['a', 'bc']);
    s.dispose();
    expect(c.dataSync()).toEqual(['a', 'bc']);
    c.dispose();
  });
});
