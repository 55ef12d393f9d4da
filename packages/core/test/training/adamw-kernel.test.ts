import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import { AdamW, type OptimizerGroup } from '../../src/training/optim/adamw.js';
import { TL_ADAMW_UPDATE, hasAdamWKernel, runAdamWKernel, type AdamWKernelAttrs } from '../../src/training/optim/adamw-kernel.js';
import { adamwReference } from './support/adamw-reference.js';

/**
 * The TL_ADAMW_UPDATE contract, implemented in plain JS for the `cpu` backend (registered only in
 * this test file's worker): it shows what a backend must provide, and lets the test check that
 * `AdamW` dispatches to the kernel whenever one is registered.
 */
let kernelCalls = 0;
const referenceKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  kernelCalls++;
  const cpu = backend as MathBackendCPU;
  const a = attrs as unknown as AdamWKernelAttrs;
  const read = (t: tf.TensorInfo): Float32Array => cpu.data.get(t.dataId)!.values as Float32Array;
  const { param, grad, expAvg, expAvgSq } = inputs as Record<'param' | 'grad' | 'expAvg' | 'expAvgSq', tf.TensorInfo>;
  const [p, m, v] = adamwReference([param, grad, expAvg, expAvgSq].map(read) as [Float32Array, Float32Array, Float32Array, Float32Array], a);
  return [p, m, v].map((values) => cpu.makeTensorInfo(param.shape, 'float32', values));
};

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
  tf.registerKernel({ kernelName: TL_ADAMW_UPDATE, backendName: 'cpu', kernelFunc: referenceKernel });
});
afterAll(() => {
  tf.unregisterKernel(TL_ADAMW_UPDATE, 'cpu');
});

/** Runs 3 AdamW steps over two groups; returns params and moments, flattened, and the tensor leak. */
function train(useKernel: boolean, gradScale?: number): { out: Float32Array[]; leaked: number } {
  const before = tf.memory().numTensors;
  const variable = (init: tf.Tensor, name: string): tf.Variable => {
    const v = tf.variable(init, true, name);
    init.dispose(); // the variable keeps the data
    return v;
  };
  const w = variable(tf.randomNormal([7, 5], 0, 1, 'float32', 1), `w-${useKernel}`);
  const b = variable(tf.randomNormal([5], 0, 1, 'float32', 2), `b-${useKernel}`);
  const groups: OptimizerGroup[] = [
    { name: 'decay', params: [{ name: 'w', variable: w }], lr: 1e-2, weightDecay: 0.1, trainable: true },
    { name: 'no-decay', params: [{ name: 'b', variable: b }], lr: 3e-3, weightDecay: 0, trainable: true },
  ];
  const opt = new AdamW({ useKernel, betas: [0.85, 0.99] });
  for (let s = 0; s < 3; s++) {
    const grads = new Map([
      ['w', tf.randomNormal([7, 5], 0, 1, 'float32', 10 + s)],
      ['b', tf.randomNormal([5], 0, 1, 'float32', 20 + s)],
    ]);
    opt.step(groups, grads, gradScale === undefined ? {} : { gradScale });
    tf.dispose([...grads.values()]);
  }
  const state = opt.stateDict();
  const out = [w, b, ...state.tensors.values()].map((t) => Float32Array.from(t.dataSync()));
  opt.dispose();
  tf.dispose([w, b]);
  return { out, leaked: tf.memory().numTensors - before };
}

describe(`AdamW with a registered ${TL_ADAMW_UPDATE} kernel`, () => {
  it('is seen on the backend that registers it only', () => {
    expect(hasAdamWKernel()).toBe(true);
    expect(hasAdamWKernel('cpu')).toBe(true);
    expect(hasAdamWKernel('no-such-backend')).toBe(false);
  });

  it('calls the kernel once per parameter and step, and matches the op sequence within 1e-6', () => {
    kernelCalls = 0;
    const fused = train(true);
    expect(kernelCalls).toBe(6);
    kernelCalls = 0;
    const ops = train(false);
    expect(kernelCalls).toBe(0);
    expect([fused.leaked, ops.leaked]).toEqual([0, 0]);
    fused.out.forEach((values, o) =>
      values.forEach((x, i) => expect(Math.abs(x - ops.out[o]![i]!), `output ${o}[${i}]`).toBeLessThanOrEqual(1e-6 * Math.abs(ops.out[o]![i]!) + 1e-7)),
    );
    // Not vacuous: the parameters moved.
    expect(Math.abs(fused.out[0]![0]! - tf.tidy(() => tf.randomNormal([7, 5], 0, 1, 'float32', 1).dataSync()[0]!))).toBeGreaterThan(1e-3);
  });

  it('applies gradScale (the clip coefficient) in the kernel as the op sequence does', () => {
    const fused = train(true, 0.37);
    const ops = train(false, 0.37);
    const unscaled = train(false);
    fused.out.forEach((values, o) =>
      values.forEach((x, i) => expect(Math.abs(x - ops.out[o]![i]!), `output ${o}[${i}]`).toBeLessThanOrEqual(1e-6 * Math.abs(ops.out[o]![i]!) + 1e-7)),
    );
    // The scale changed the moments (the first moment is linear in it).
    expect(Math.abs(ops.out[2]![0]! - 0.37 * unscaled.out[2]![0]!)).toBeLessThan(1e-5 * Math.abs(unscaled.out[2]![0]!) + 1e-6);
  });

  it('rejects inputs that break the contract, naming the tensor', () => {
    const [a, b] = [tf.zeros([4]), tf.zeros([5])];
    const attrs: AdamWKernelAttrs = { lr: 1, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 1 };
    expect(() => runAdamWKernel({ param: a, grad: b, expAvg: a, expAvgSq: a }, attrs)).toThrow(/TlAdamWUpdate: grad is float32 \[5\]; every input must be float32 \[4\] like param/);
    tf.dispose([a, b]);
  });
});
