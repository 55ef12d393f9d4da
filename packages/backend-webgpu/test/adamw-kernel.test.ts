import * as tf from '@tensorflow/tfjs-core';
import { AdamW, TL_ADAMW_UPDATE, TL_ADAMW_UPDATE_MULTI, hasAdamWKernel, hasAdamWMultiKernel, runAdamWKernel } from '@tl/core';
import { describe, expect, it } from 'vitest';
import { randn, worstMismatch } from './helpers/compare-backends.js';
import { useBackendPair } from './helpers/backend-pair-hooks.js';
import { adamwHooks, type AdamWForm } from '../src/kernels/adamw/adamw-webgpu.js';

/** @tl/core's AdamW (torch semantics) on cpu is the reference for the fused webgpu kernel. */
async function coreAdamW(
  shape: number[],
  steps: number,
  hyper: { lr: number; weightDecay: number; betas: [number, number]; eps: number },
): Promise<Float32Array[]> {
  await tf.setBackend('cpu');
  const p = tf.variable(tf.tensor(randn(shape, 1).values, shape));
  const opt = new AdamW({ betas: hyper.betas, eps: hyper.eps });
  const group = { name: 'all', params: [{ name: 'w', variable: p }], lr: hyper.lr, weightDecay: hyper.weightDecay, trainable: true };
  for (let s = 0; s < steps; s++) {
    const g = tf.tensor(randn(shape, 10 + s).values, shape);
    opt.step([group], new Map([['w', g]]));
    g.dispose();
  }
  const state = opt.stateDict();
  const out = [await p.data(), await state.tensors.get('w.exp_avg')!.data(), await state.tensors.get('w.exp_avg_sq')!.data()].map((d) => Float32Array.from(d));
  opt.dispose();
  p.dispose();
  return out;
}

async function fusedAdamW(
  shape: number[],
  steps: number,
  hyper: { lr: number; weightDecay: number; betas: [number, number]; eps: number },
): Promise<{ out: Float32Array[]; leaked: number }> {
  await tf.setBackend('webgpu');
  const before = tf.memory().numTensors;
  let p = tf.tensor(randn(shape, 1).values, shape);
  let m = tf.zeros(shape);
  let v = tf.zeros(shape);
  for (let s = 1; s <= steps; s++) {
    const g = tf.tensor(randn(shape, 9 + s).values, shape);
    const next = runAdamWKernel(
      { param: p, grad: g, expAvg: m, expAvgSq: v },
      { lr: hyper.lr, weightDecay: hyper.weightDecay, beta1: hyper.betas[0], beta2: hyper.betas[1], eps: hyper.eps, step: s },
    );
    tf.dispose([p, m, v, g]);
    [p, m, v] = next;
  }
  const out = [await p.data(), await m.data(), await v.data()].map((d) => Float32Array.from(d));
  tf.dispose([p, m, v]);
  return { out, leaked: tf.memory().numTensors - before };
}

describe(`fused ${TL_ADAMW_UPDATE} on webgpu`, () => {
  useBackendPair();

  it('is registered for webgpu only', async () => {
    await tf.setBackend('webgpu');
    expect(hasAdamWKernel()).toBe(true);
    expect(hasAdamWMultiKernel()).toBe(true);
    await tf.setBackend('cpu');
    expect(hasAdamWKernel()).toBe(false);
    expect(hasAdamWMultiKernel()).toBe(false);
  });

  const cases = [
    { name: 'torch defaults with weight decay', shape: [33, 70], hyper: { lr: 5e-3, weightDecay: 0.01, betas: [0.9, 0.999] as [number, number], eps: 1e-8 } },
    { name: 'no decay, beta1 < 0.5 (other lerp form), 1-D', shape: [1000], hyper: { lr: 1e-2, weightDecay: 0, betas: [0.3, 0.99] as [number, number], eps: 1e-6 } },
  ];
  // 'one-pass' (one dispatch, three outputs) is what runs on a device that binds 7 storage
  // buffers, llvmpipe included; 'programs' (three tfjs programs) is its fallback.
  for (const form of ['one-pass', 'programs'] as const satisfies readonly AdamWForm[]) {
    for (const c of cases) {
      it(`matches @tl/core AdamW on cpu over 4 steps (${form}): ${c.name}`, async () => {
        const ref = await coreAdamW(c.shape, 4, c.hyper);
        adamwHooks.force = form === 'programs' ? 'programs' : undefined;
        const { out, leaked } = await fusedAdamW(c.shape, 4, c.hyper).finally(() => (adamwHooks.force = undefined));
        expect(adamwHooks.last).toBe(form);
        expect(leaked).toBe(0);
        const worst = worstMismatch(out, ref, 1e-5);
        expect(worst.excess, `output ${worst.output}[${worst.index}]: webgpu ${worst.webgpu} vs cpu ${worst.cpu}`).toBeLessThanOrEqual(1e-6);
        // The update moved the parameter (the comparison is not vacuous).
        expect(Math.abs(ref[0]![0]! - randn(c.shape, 1).values[0]!)).toBeGreaterThan(1e-4);
      });
    }
  }

  it('one pass: every element is updated when the grid is smaller than the tensor (grid-stride loop)', async () => {
    const hyper = cases[0]!.hyper;
    const ref = await coreAdamW([1000], 4, hyper);
    adamwHooks.maxWorkgroups = 3; // 192 invocations for 1 000 elements
    const { out } = await fusedAdamW([1000], 4, hyper).finally(() => (adamwHooks.maxWorkgroups = undefined));
    expect(adamwHooks.last).toBe('one-pass');
    const worst = worstMismatch(out, ref, 1e-5);
    expect(worst.excess, `output ${worst.output}[${worst.index}]: webgpu ${worst.webgpu} vs cpu ${worst.cpu}`).toBeLessThanOrEqual(1e-6);
  });

  it('one pass under tf.time (the timed recording path) gives the same update', async () => {
    await tf.setBackend('webgpu');
    const shape = [33, 70];
    const [param, grad, expAvg, expAvgSq] = [1, 2, 3, 4].map((seed) => tf.tensor(randn(shape, seed).values, shape));
    const attrs = { lr: 5e-3, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 3 };
    const inputs = { param: param!, grad: grad!, expAvg: expAvg!, expAvgSq: tf.abs(expAvgSq!) };
    const plain = runAdamWKernel(inputs, attrs);
    let timed: tf.Tensor[] = [];
    const info = await tf.time(() => {
      timed = runAdamWKernel(inputs, attrs);
    });
    expect(adamwHooks.last).toBe('one-pass');
    expect(info.kernelMs).toBeDefined();
    const read = (ts: tf.Tensor[]) => Promise.all(ts.map(async (t) => Float32Array.from(await t.data())));
    expect(worstMismatch(await read(timed), await read(plain), 0).excess).toBe(0);
    tf.dispose([...plain, ...timed, param!, grad!, expAvg!, expAvgSq!, inputs.expAvgSq]);
  });

  it("@tl/core's AdamW takes the kernel paths on webgpu (multi-tensor, or per parameter with foreach off), equal to its op sequence within 1e-6", async () => {
    await tf.setBackend('webgpu');
    const shapes = { w: [33, 70], b: [70], e: [12, 5] };
    const run = async (useKernel: boolean, foreach = true): Promise<{ out: Float32Array[]; kernels: string[]; leaked: number }> => {
      const before = tf.memory().numTensors;
      const params = Object.entries(shapes).map(([name, shape], i) => {
        const init = tf.tensor(randn(shape, 50 + i).values, shape);
        const variable = tf.variable(init, true);
        init.dispose(); // the variable keeps the data
        return { name, variable };
      });
      const opt = new AdamW({ useKernel, foreach });
      const groups = [
        { name: 'decay', params: params.slice(0, 1), lr: 5e-3, weightDecay: 0.01, trainable: true },
        { name: 'no-decay', params: params.slice(1), lr: 2e-3, weightDecay: 0, trainable: true },
      ];
      const kernels: string[] = [];
      for (let s = 0; s < 3; s++) {
        const grads = new Map(params.map(({ name, variable }, i) => [name, tf.tensor(randn(variable.shape, 60 + 10 * s + i).values, variable.shape)]));
        // Step 1 clips (gradScale, the clip coefficient, folded into the kernel); the others do not.
        const info = await tf.profile(() => opt.step(groups, grads, { gradScale: s === 1 ? 0.6 : 1 }));
        kernels.push(...info.kernels.map((k) => k.name));
        tf.dispose([...grads.values()]);
      }
      const state = opt.stateDict();
      const out: Float32Array[] = [];
      for (const { name, variable } of params) {
        for (const t of [variable, state.tensors.get(`${name}.exp_avg`)!, state.tensors.get(`${name}.exp_avg_sq`)!]) out.push(Float32Array.from(await t.data()));
      }
      opt.dispose();
      tf.dispose(params.map((p) => p.variable));
      return { out, kernels, leaked: tf.memory().numTensors - before };
    };
    const multi = await run(true);
    const fused = await run(true, false);
    const ops = await run(false);
    // One multi-tensor kernel per step, or one kernel per parameter and step; none of the op
    // sequence's elementwise kernels (ZerosLike creates the moments at the first step).
    expect(multi.kernels.filter((k) => k === TL_ADAMW_UPDATE_MULTI)).toHaveLength(3);
    expect(multi.kernels.filter((k) => ![TL_ADAMW_UPDATE_MULTI, 'ZerosLike', 'Identity'].includes(k))).toEqual([]);
    expect(fused.kernels.filter((k) => k === TL_ADAMW_UPDATE)).toHaveLength(9);
    expect(fused.kernels.filter((k) => ![TL_ADAMW_UPDATE, 'ZerosLike', 'Identity'].includes(k))).toEqual([]);
    expect(ops.kernels).not.toContain(TL_ADAMW_UPDATE);
    expect(ops.kernels).not.toContain(TL_ADAMW_UPDATE_MULTI);
    expect(ops.kernels).toContain('Sqrt');
    expect([multi.leaked, fused.leaked, ops.leaked]).toEqual([0, 0, 0]);
    for (const [label, got] of [['multi-tensor', multi], ['per-parameter', fused]] as const) {
      const worst = worstMismatch(got.out, ops.out, 1e-6);
      expect(worst.excess, `${label} output ${worst.output}[${worst.index}]: kernel ${worst.webgpu} vs ops ${worst.cpu}`).toBeLessThanOrEqual(1e-7);
    }
  });

  it('rejects mismatched shapes with the tensor named', async () => {
    await tf.setBackend('webgpu');
    const [a, b] = [tf.zeros([4]), tf.zeros([5])];
    expect(() => runAdamWKernel({ param: a, grad: b, expAvg: a, expAvgSq: a }, { lr: 1, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 1 })).toThrow(
      /grad is float32 \[5\]; every input must be float32 \[4\] like param/,
    );
    tf.dispose([a, b]);
  });
});
