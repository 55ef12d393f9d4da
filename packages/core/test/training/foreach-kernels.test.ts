import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import { globalGradNorm } from '../../src/training/gradients/clip-grad-norm.js';
import { TL_GLOBAL_NORM, globalNormInputName, hasGlobalNormKernel } from '../../src/training/gradients/global-norm-kernel.js';
import { AdamW, type OptimizerGroup } from '../../src/training/optim/adamw.js';
import {
  ADAMW_KERNEL_INPUTS,
  TL_ADAMW_UPDATE_MULTI,
  hasAdamWMultiKernel,
  runAdamWMultiKernel,
  splitAdamWMultiCall,
} from '../../src/training/optim/adamw-multi-kernel.js';
import { adamwReference } from './support/adamw-reference.js';

/**
 * The multi-tensor contracts TL_ADAMW_UPDATE_MULTI and TL_GLOBAL_NORM, implemented in plain JS for
 * the `cpu` backend (registered only in this test file's worker): what a backend must provide, and
 * a check that `AdamW` and `globalGradNorm` make one call per step through them when registered.
 */
const calls: Array<{ kernel: string; inputs: string[]; attrs: Record<string, unknown> }> = [];
const read = (backend: unknown, t: tf.TensorInfo): Float32Array => (backend as MathBackendCPU).data.get(t.dataId)!.values as Float32Array;

const multiAdamW: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  calls.push({ kernel: TL_ADAMW_UPDATE_MULTI, inputs: Object.keys(inputs), attrs: { ...attrs } });
  const cpu = backend as MathBackendCPU;
  return splitAdamWMultiCall(inputs, attrs).flatMap((one) => {
    const ts = ADAMW_KERNEL_INPUTS.map((role) => one.inputs[role]);
    const out = adamwReference(ts.map((t) => read(backend, t)) as [Float32Array, Float32Array, Float32Array, Float32Array], one.attrs);
    return out.map((values) => cpu.makeTensorInfo(ts[0]!.shape, 'float32', values));
  });
};

const globalNorm: tf.KernelFunc = ({ inputs, backend }) => {
  calls.push({ kernel: TL_GLOBAL_NORM, inputs: Object.keys(inputs), attrs: {} });
  let sum = 0;
  for (let i = 0; i < Object.keys(inputs).length; i++) {
    for (const x of read(backend, (inputs as tf.NamedTensorInfoMap)[globalNormInputName(i)]!)) sum += x * x;
  }
  return (backend as MathBackendCPU).makeTensorInfo([], 'float32', new Float32Array([Math.sqrt(sum)]));
};

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
  tf.registerKernel({ kernelName: TL_ADAMW_UPDATE_MULTI, backendName: 'cpu', kernelFunc: multiAdamW });
  tf.registerKernel({ kernelName: TL_GLOBAL_NORM, backendName: 'cpu', kernelFunc: globalNorm });
});
afterAll(() => {
  tf.unregisterKernel(TL_ADAMW_UPDATE_MULTI, 'cpu');
  tf.unregisterKernel(TL_GLOBAL_NORM, 'cpu');
});

/**
 * Three AdamW steps over two groups with different lr and weight decay; `b` gets no gradient on
 * the first step, so the parameters' step counts differ. Returns params and moments, and the leak.
 */
function train(options: { foreach?: boolean; useKernel?: boolean }, gradScale = 1): { out: Float32Array[]; leaked: number } {
  const before = tf.memory().numTensors;
  const variable = (init: tf.Tensor, name: string): tf.Variable => {
    const v = tf.variable(init, true, `${name}-${JSON.stringify(options)}-${gradScale}`);
    init.dispose();
    return v;
  };
  const w = variable(tf.randomNormal([7, 5], 0, 1, 'float32', 1), 'w');
  const b = variable(tf.randomNormal([5], 0, 1, 'float32', 2), 'b');
  const groups: OptimizerGroup[] = [
    { name: 'decay', params: [{ name: 'w', variable: w }], lr: 1e-2, weightDecay: 0.1, trainable: true },
    { name: 'no-decay', params: [{ name: 'b', variable: b }], lr: 3e-3, weightDecay: 0, trainable: true },
  ];
  const opt = new AdamW({ ...options, betas: [0.85, 0.99] });
  for (let s = 0; s < 3; s++) {
    const grads = new Map([['w', tf.randomNormal([7, 5], 0, 1, 'float32', 10 + s)]]);
    if (s > 0) grads.set('b', tf.randomNormal([5], 0, 1, 'float32', 20 + s));
    opt.step(groups, grads, { gradScale });
    tf.dispose([...grads.values()]);
  }
  const out = [w, b, ...opt.stateDict().tensors.values()].map((t) => Float32Array.from(t.dataSync()));
  opt.dispose();
  tf.dispose([w, b]);
  return { out, leaked: tf.memory().numTensors - before };
}

function expectClose(got: Float32Array[], want: Float32Array[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((values, o) =>
    values.forEach((x, i) => expect(Math.abs(x - want[o]![i]!), `output ${o}[${i}]`).toBeLessThanOrEqual(1e-6 * Math.abs(want[o]![i]!) + 1e-7)),
  );
}

describe(`AdamW with a registered ${TL_ADAMW_UPDATE_MULTI} kernel`, () => {
  it('is seen on the backend that registers it only', () => {
    expect(hasAdamWMultiKernel()).toBe(true);
    expect(hasAdamWMultiKernel('no-such-backend')).toBe(false);
  });

  it('makes one call per step with per-parameter lr, weight decay and step, and matches the op sequence', () => {
    calls.length = 0;
    const multi = train({}, Math.fround(0.37));
    const adam = calls.filter((c) => c.kernel === TL_ADAMW_UPDATE_MULTI);
    expect(adam).toHaveLength(3);
    // Step 1: only w has a gradient; steps 2 and 3: w (steps 2, 3) and b (steps 1, 2).
    expect(adam.map((c) => c.inputs)).toEqual([
      ['param0', 'grad0', 'expAvg0', 'expAvgSq0'],
      ['param0', 'grad0', 'expAvg0', 'expAvgSq0', 'param1', 'grad1', 'expAvg1', 'expAvgSq1'],
      ['param0', 'grad0', 'expAvg0', 'expAvgSq0', 'param1', 'grad1', 'expAvg1', 'expAvgSq1'],
    ]);
    expect(adam[2]!.attrs).toMatchObject({ lr: [1e-2, 3e-3], weightDecay: [0.1, 0], step: [3, 2], beta1: 0.85, beta2: 0.99, gradScale: Math.fround(0.37) });
    calls.length = 0;
    const ops = train({ useKernel: false }, Math.fround(0.37));
    expect(calls).toHaveLength(0);
    expect([multi.leaked, ops.leaked]).toEqual([0, 0]);
    expectClose(multi.out, ops.out);
  });

  it('foreach: false does not call it', () => {
    calls.length = 0;
    const single = train({ foreach: false });
    expect(calls.filter((c) => c.kernel === TL_ADAMW_UPDATE_MULTI)).toHaveLength(0);
    expectClose(single.out, train({ useKernel: false }).out);
  });

  it('a kernel that throws leaves the step counts as they were', () => {
    const w = tf.variable(tf.zeros([3]), true, 'w-throws');
    const opt = new AdamW();
    const groups: OptimizerGroup[] = [{ name: 'all', params: [{ name: 'w', variable: w }], lr: 1e-2, weightDecay: 0, trainable: true }];
    const g = tf.ones([3]);
    opt.step(groups, new Map([['w', g]]));
    expect(opt.stepOf('w')).toBe(1);
    tf.unregisterKernel(TL_ADAMW_UPDATE_MULTI, 'cpu');
    tf.registerKernel({ kernelName: TL_ADAMW_UPDATE_MULTI, backendName: 'cpu', kernelFunc: () => { throw new Error('device lost'); } });
    try {
      expect(() => opt.step(groups, new Map([['w', g]]))).toThrow(/device lost/);
      expect(opt.stepOf('w')).toBe(1);
    } finally {
      tf.unregisterKernel(TL_ADAMW_UPDATE_MULTI, 'cpu');
      tf.registerKernel({ kernelName: TL_ADAMW_UPDATE_MULTI, backendName: 'cpu', kernelFunc: multiAdamW });
    }
    opt.dispose();
    tf.dispose([w, g]);
  });

  it('rejects inputs that break the contract, naming parameter and tensor', () => {
    const [a, b] = [tf.zeros([4]), tf.zeros([5])];
    const update = { param: a, grad: a, expAvg: a, expAvgSq: b, lr: 1, weightDecay: 0, step: 1 };
    expect(() => runAdamWMultiKernel([update], { beta1: 0.9, beta2: 0.999, eps: 1e-8 })).toThrow(
      /TlAdamWUpdateMulti: expAvgSq of parameter 0 is float32 \[5\]; every input must be float32 \[4\] like its param/,
    );
    tf.dispose([a, b]);
  });
});

describe(`globalGradNorm with a registered ${TL_GLOBAL_NORM} kernel`, () => {
  it('makes one call for all gradients, equal to the composition within 1e-6', () => {
    expect(hasGlobalNormKernel()).toBe(true);
    const grads = [tf.randomNormal([30, 7], 0, 1, 'float32', 3), tf.randomNormal([7], 0, 1, 'float32', 4), tf.zeros([0, 3])];
    calls.length = 0;
    const fused = globalGradNorm(grads);
    expect(calls.map((c) => [c.kernel, c.inputs])).toEqual([[TL_GLOBAL_NORM, ['x0', 'x1', 'x2']]]);
    tf.unregisterKernel(TL_GLOBAL_NORM, 'cpu');
    const composed = globalGradNorm(grads);
    tf.registerKernel({ kernelName: TL_GLOBAL_NORM, backendName: 'cpu', kernelFunc: globalNorm });
    const [f, c] = [fused.dataSync()[0]!, composed.dataSync()[0]!];
    expect(c).toBeGreaterThan(1);
    expect(Math.abs(f - c)).toBeLessThanOrEqual(1e-6 * c);
    tf.dispose([...grads, fused, composed]);
  });
});
