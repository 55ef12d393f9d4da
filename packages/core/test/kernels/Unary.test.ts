import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSameOnWasmAndCpu, initBackends, randomValues, runOn } from './differential.js';

describe('Exp and Erf on wasm (tl SIMD overrides) match cpu', () => {
  beforeAll(initBackends);

  for (const size of [0, 1, 3, 4, 5, 1031]) {
    it(`exp and erf over ${size} values`, () => {
      const v = randomValues(size, 6, -12, 12);
      expectSameOnWasmAndCpu(() => tf.exp(tf.tensor1d(v)), 1e-6, 0, `exp, size ${size}`);
      // erf = 1 − poly·e^(−x²) cancels near 0 in float32: compare absolutely (the formula itself is
      // only accurate to 1.5e-7).
      expectSameOnWasmAndCpu(() => tf.erf(tf.tensor1d(v)), 0, 5e-7, `erf, size ${size}`);
    });
  }

  it('exp over the float32 range, including overflow, underflow and NaN', () => {
    const v = Float32Array.from([-200, -104, -103.9, -100, -90, -87.5, -87.3, -20, -1e-8, 0, 1e-8, 0.5, 1, 20, 80, 88.7, 88.73, 100, Infinity, -Infinity, NaN]);
    const [got] = runOn('wasm', () => tf.exp(tf.tensor1d(v)));
    const [want] = runOn('cpu', () => tf.exp(tf.tensor1d(v)));
    for (let i = 0; i < v.length; i++) {
      const g = got!.values[i]!;
      const w = want!.values[i]!;
      if (Number.isNaN(w)) expect(g, `exp(${v[i]})`).toBeNaN();
      else if (!Number.isFinite(w)) expect(g, `exp(${v[i]})`).toBe(w);
      else expect(Math.abs(g - w), `exp(${v[i]}) = ${g}, want ${w}`).toBeLessThanOrEqual(3e-7 * w + 2e-45);
    }
  });

  it('erf is odd, saturates to ±1 and passes NaN', () => {
    const v = Float32Array.from([-Infinity, -6, -1, -0.1, 0, 0.1, 1, 6, Infinity, NaN]);
    const [got] = runOn('wasm', () => tf.erf(tf.tensor1d(v)));
    const [want] = runOn('cpu', () => tf.erf(tf.tensor1d(v)));
    for (let i = 0; i < v.length - 1; i++) expect(Math.abs(got!.values[i]! - want!.values[i]!), `erf(${v[i]})`).toBeLessThan(1e-6);
    expect(got!.values[v.length - 1]).toBeNaN();
  });

  it('GELU and its gradient match cpu', () => {
    const v = randomValues(777, 7, -5, 5);
    expectSameOnWasmAndCpu(() => {
      const gelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
      const x = tf.tensor1d(v);
      return [gelu(x), tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x)];
    }, 1e-5, 2e-6);
  });

  it('int32 exp keeps tfjs kernel', () => {
    expectSameOnWasmAndCpu(() => tf.exp(tf.tensor1d([0, 1, 2, -3], 'int32')), 1e-6, 0);
  });
});
