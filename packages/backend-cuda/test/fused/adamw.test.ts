/**
 * TL_ADAMW_UPDATE and TL_ADAMW_UPDATE_MULTI on torch-cpu against @tl/core's fallback on tfjs cpu: core's `AdamW` runs its op
 * sequence where the kernel is not registered (cpu) and the kernel where it is (torch-cpu). Three
 * steps over parameter groups with and without weight decay, both of torch.lerp's forms (β1 = 0.9
 * and β1 = 0.3), with and without a gradient scale (the clip coefficient): parameters and both
 * moments are bit for bit core's (the contract asks 1e-6; the addon follows core's op order), both
 * through the CPU kernel and through the ATen-op formulation CUDA falls back to; core calls the
 * multi-tensor kernel by default and the per-parameter one with `foreach: false`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, TL_ADAMW_UPDATE, TL_ADAMW_UPDATE_MULTI, hasAdamWKernel, hasAdamWMultiKernel, type OptimizerGroup } from '@tl/core';
import type { TorchBackend } from '../../src/index.js';
import { initBackends, inputs, worstRelative } from './helpers.js';

beforeAll(initBackends);

let nextId = 0;
const SHAPES: Record<string, number[]> = { 'dense.weight': [17, 9], 'dense.bias': [9], 'LayerNorm.weight': [1], empty: [0, 3] };

/** Parameters, moments and step counts after three AdamW steps on `backend`, by name. */
async function threeSteps(backend: string, betas: [number, number], useKernel = true, gradScale?: number, foreach = true): Promise<Map<string, Float32Array>> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const r = inputs(71);
  const vars = Object.entries(SHAPES).map(([name, shape]) => {
    const init = r.float(shape);
    const variable = tf.variable(init, true, `${backend}-${betas[0]}-${name}-${useKernel}-${nextId++}`);
    init.dispose(); // tf.variable copies the data id, not the handle
    return { name, variable };
  });
  const opt = new AdamW({ betas, eps: 1e-8, useKernel, foreach });
  for (let step = 1; step <= 3; step++) {
    const grads = new Map(vars.map(({ name, variable }) => [name, r.float(variable.shape, -0.5 * step, 0.5 * step)]));
    const groups: OptimizerGroup[] = [
      { name: 'decay', params: vars.slice(0, 1), lr: 1e-2, weightDecay: 0.01, trainable: true },
      { name: 'no-decay', params: vars.slice(1), lr: 3e-3, weightDecay: 0, trainable: true },
    ];
    // gradScale (the Trainer's clip coefficient) on the second step only, so "absent" is covered too.
    opt.step(groups, grads, step === 2 && gradScale !== undefined ? { gradScale } : {});
    tf.dispose([...grads.values()]);
  }
  const out = new Map<string, Float32Array>();
  for (const { name, variable } of vars) out.set(name, variable.dataSync() as Float32Array);
  for (const [name, t] of opt.stateDict().tensors) out.set(name, t.dataSync() as Float32Array);
  opt.dispose();
  tf.dispose(vars.map((v) => v.variable));
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

describe('TL_ADAMW_UPDATE on torch-cpu', () => {
  it('is registered, so core uses it', () => {
    expect(hasAdamWKernel('torch-cpu')).toBe(true);
    expect(hasAdamWMultiKernel('torch-cpu')).toBe(true);
    expect(hasAdamWKernel('cpu')).toBe(false);
    expect(hasAdamWMultiKernel('cpu')).toBe(false);
  });

  it.each([
    { label: 'torch defaults (lerp form m + w·(g − m))', betas: [0.9, 0.999] as [number, number] },
    { label: 'β1 = 0.3 (lerp form g − (g − m)·(1 − w)), β2 = 0.9', betas: [0.3, 0.9] as [number, number] },
    { label: 'a clip coefficient (gradScale) on step 2', betas: [0.9, 0.999] as [number, number], gradScale: Math.fround(0.3712) },
    { label: 'per-parameter kernel (foreach off), gradScale', betas: [0.9, 0.999] as [number, number], gradScale: Math.fround(0.3712), foreach: false },
    { label: 'per-parameter kernel (foreach off), β1 = 0.3', betas: [0.3, 0.9] as [number, number], foreach: false },
  ])('$label: parameters and moments match core on cpu over three steps', async ({ betas, gradScale, foreach }) => {
    const want = await threeSteps('cpu', betas, true, gradScale);
    const got = await threeSteps('torch-cpu', betas, true, gradScale, foreach ?? true);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, w] of want) {
      const { error, at } = worstRelative(got.get(name)!, w, 0);
      expect(error, `${name}[${at}]: ${got.get(name)![at]} vs ${w[at]}`).toBe(0);
    }
  });

  it('the ATen-op formulation (the CUDA fallback) gives the same bits', async () => {
    await tf.setBackend('torch-cpu');
    const b = tf.backend() as TorchBackend;
    const r = inputs(8);
    const [p, g, m] = [r.float([33, 7]), r.float([33, 7]), r.float([33, 7], -0.1, 0.1)];
    const v = r.float([33, 7], 0, 0.01);
    const run = (composed: boolean): Float32Array[] => {
      b.addon.adamW(b.handle(p), b.handle(g), b.handle(m), b.handle(v), 1e-2, 0.3, 0.99, 1e-8, 0.01, 2, Math.fround(0.7), composed);
      const outs = b.outputs().map((t) => tf.engine().makeTensorFromTensorInfo(t));
      const values = outs.map((t) => t.dataSync() as Float32Array);
      tf.dispose(outs);
      return values;
    };
    const [loop, ops] = [run(false), run(true)];
    loop.forEach((l, k) => expect(worstRelative(ops[k]!, l, 0).error).toBe(0));
    tf.dispose([p, g, m, v]);
  });

  it('is one multi-tensor kernel per step, or one kernel per parameter with foreach off (none when useKernel is false)', async () => {
    const count = async (useKernel: boolean, foreach: boolean): Promise<[number, number]> => {
      const info = await tf.profile(async () => void (await threeSteps('torch-cpu', [0.9, 0.999], useKernel, undefined, foreach)));
      const n = (name: string): number => info.kernels.filter((k) => k.name === name).length;
      return [n(TL_ADAMW_UPDATE_MULTI), n(TL_ADAMW_UPDATE)];
    };
    expect(await count(true, true)).toEqual([3, 0]);
    expect(await count(true, false)).toEqual([0, 3 * Object.keys(SHAPES).length]);
    expect(await count(false, true)).toEqual([0, 0]);
  });
});
