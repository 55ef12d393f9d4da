import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { globalGradNorm } from '../../src/training/gradients/clip-grad-norm.js';
import { TL_GLOBAL_NORM } from '../../src/training/gradients/global-norm-kernel.js';
import { AdamW, type OptimizerGroup } from '../../src/training/optim/adamw.js';
import { TL_ADAMW_UPDATE } from '../../src/training/optim/adamw-kernel.js';
import { TL_ADAMW_UPDATE_MULTI } from '../../src/training/optim/adamw-multi-kernel.js';
import { initBackends } from './differential.js';

/**
 * @tl/core's optimizer contracts on wasm (kernels/wasm/AdamWUpdate.ts, GlobalNorm.ts): AdamW in one
 * JavaScript pass per parameter gives the op sequence's bits (wasm's and cpu's: every op rounds to
 * float32), in one kernel call per step; the global norm equals the composition within 1e-6; and
 * neither makes full-size temporaries, which is what they are for (wasm's heap stops at 4 GiB).
 */
beforeAll(initBackends);

const SHAPES: Record<string, number[]> = { 'dense.weight': [37, 29], 'dense.bias': [29], 'LayerNorm.weight': [1], empty: [0, 4] };

/** Three AdamW steps (two groups, a clip scale on step 2) on `backend`: params and moments, kernels run, peak bytes. */
async function threeSteps(backend: string, options: { useKernel?: boolean; foreach?: boolean; betas?: [number, number] }) {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const vars = Object.entries(SHAPES).map(([name, shape], i) => {
    const init = tf.randomNormal(shape, 0, 1, 'float32', 1 + i);
    const variable = tf.variable(init, true, `${backend}-${JSON.stringify(options)}-${name}`);
    init.dispose();
    return { name, variable };
  });
  const groups: OptimizerGroup[] = [
    { name: 'decay', params: vars.slice(0, 1), lr: 1e-2, weightDecay: 0.01, trainable: true },
    { name: 'no-decay', params: vars.slice(1), lr: 3e-3, weightDecay: 0, trainable: true },
  ];
  const opt = new AdamW({ betas: options.betas ?? [0.9, 0.999], useKernel: options.useKernel ?? true, foreach: options.foreach ?? true });
  const kernels: string[] = [];
  let peakBytes = 0;
  for (let step = 1; step <= 3; step++) {
    const grads = new Map(vars.map(({ name, variable }, i) => [name, tf.randomNormal(variable.shape, 0, step, 'float32', 10 * step + i)]));
    const base = tf.memory().numBytes;
    const info = await tf.profile(() => opt.step(groups, grads, step === 2 ? { gradScale: Math.fround(0.37) } : {}));
    kernels.push(...info.kernels.map((k) => k.name));
    // From step 2: step 1 also creates the moments.
    if (step > 1) peakBytes = Math.max(peakBytes, info.peakBytes - base);
    tf.dispose([...grads.values()]);
  }
  const out = [...vars.map((v) => v.variable), ...opt.stateDict().tensors.values()].map((t) => Float32Array.from(t.dataSync()));
  opt.dispose();
  tf.dispose(vars.map((v) => v.variable));
  expect(tf.memory().numTensors).toBe(before);
  return { out, kernels, peakBytes };
}

describe('AdamW on wasm', () => {
  it.each([
    { label: 'torch defaults, multi-tensor kernel', betas: [0.9, 0.999] as [number, number], foreach: true },
    { label: 'β1 = 0.3 (the other lerp form), per-parameter kernel', betas: [0.3, 0.9] as [number, number], foreach: false },
  ])('$label: the op sequence\'s bits on wasm and on cpu', async ({ betas, foreach }) => {
    const fused = await threeSteps('wasm', { betas, foreach });
    const ops = await threeSteps('wasm', { betas, useKernel: false });
    const cpu = await threeSteps('cpu', { betas });
    for (const reference of [ops.out, cpu.out]) {
      fused.out.forEach((values, o) => values.forEach((x, i) => expect(Object.is(x, reference[o]![i]), `output ${o}[${i}]: ${x} vs ${reference[o]![i]}`).toBe(true)));
    }
    const name = foreach ? TL_ADAMW_UPDATE_MULTI : TL_ADAMW_UPDATE;
    expect(fused.kernels.filter((k) => k === name)).toHaveLength(foreach ? 3 : 12);
    expect(ops.kernels).not.toContain(name);
  });

  it('holds no more than its outputs at once (the op sequence holds ~12 temporaries per parameter)', async () => {
    const fused = await threeSteps('wasm', {});
    const ops = await threeSteps('wasm', { useKernel: false });
    const largest = 37 * 29 * 4;
    expect(fused.peakBytes).toBeLessThanOrEqual(3 * Object.values(SHAPES).reduce((a, s) => a + s.reduce((x, y) => x * y, 1) * 4, 0));
    expect(ops.peakBytes).toBeGreaterThan(6 * largest);
  });
});

describe('global gradient norm on wasm', () => {
  it('is one kernel call, within 1e-6 of the composition on cpu, non-finite passed through', async () => {
    const norm = async (backend: string, poison?: number): Promise<{ value: number; kernels: string[] }> => {
      await tf.setBackend(backend);
      const xs = Object.values(SHAPES).map((s, i) => tf.randomNormal(s, 0, 2, 'float32', 40 + i));
      if (poison !== undefined) xs.push(tf.tensor([1, poison]));
      let value = NaN;
      const info = await tf.profile(async () => {
        const n = globalGradNorm(xs);
        value = (await n.data())[0]!;
        n.dispose();
      });
      tf.dispose(xs);
      return { value, kernels: info.kernels.map((k) => k.name) };
    };
    const [wasm, cpu] = [await norm('wasm'), await norm('cpu')];
    expect(wasm.kernels).toEqual([TL_GLOBAL_NORM]);
    expect(cpu.value).toBeGreaterThan(1);
    expect(Math.abs(wasm.value - cpu.value) / cpu.value).toBeLessThan(1e-6);
    expect((await norm('wasm', NaN)).value).toBeNaN();
    expect((await norm('wasm', Infinity)).value).toBe(Infinity);
  });
});
