import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../../src/engine/create-engine.js';
import { AdamW, type OptimizerGroup } from '../../src/training/optim/adamw.js';
import { readSafetensorsFile } from '../../src/io/safetensors/read-file.js';
import { toFloat32 } from '../../src/io/safetensors/convert.js';

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
});

/** torch's `_single_tensor_adamw` for one scalar, in float64: the reference the tensors must match. */
function torchAdamW(p0: number, grads: number[], lrs: number[], wd: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  let p = p0;
  let m = 0;
  let v = 0;
  const out: number[] = [];
  grads.forEach((g, i) => {
    const step = i + 1;
    const lr = lrs[i]!;
    p *= 1 - lr * wd;
    m += (g - m) * (1 - b1);
    v = v * b2 + (1 - b2) * g * g;
    const bc1 = 1 - b1 ** step;
    const bc2Sqrt = Math.sqrt(1 - b2 ** step);
    const denom = Math.sqrt(v) / bc2Sqrt + eps;
    p += (-lr / bc1) * (m / denom);
    out.push(p);
  });
  return out;
}

function group(name: string, variable: tf.Variable, lr: number, weightDecay: number, trainable = true): OptimizerGroup {
  return { name, params: [{ name, variable }], lr, weightDecay, trainable };
}

describe('AdamW', () => {
  it('matches the torch formula step by step (decay before the update, eps after the bias-corrected sqrt)', () => {
    const init = [0.5, -1.25, 3.0, 1e-3];
    const gradSeq = [
      [0.1, -0.2, 0.3, 1e-6],
      [-0.05, 0.4, 0.0, 2e-6],
      [0.2, 0.1, -0.7, -5e-7],
    ];
    const lrs = [0.0, 0.01, 0.005]; // a warmup-like first step at lr 0 still counts in the bias correction
    const wd = 0.1;
    const w = tf.variable(tf.tensor1d(init));
    const opt = new AdamW();
    for (let s = 0; s < gradSeq.length; s++) {
      const g = tf.tensor1d(gradSeq[s]!);
      opt.step([group('w', w, lrs[s]!, wd)], new Map([['w', g]]));
      g.dispose();
      const got = w.dataSync();
      init.forEach((p0, k) => {
        const expected = torchAdamW(p0, gradSeq.slice(0, s + 1).map((gs) => gs[k]!), lrs, wd)[s]!;
        expect(got[k]).toBeCloseTo(expected, 6);
        expect(Math.abs(got[k]! - expected)).toBeLessThanOrEqual(Math.abs(expected) * 2e-6 + 1e-9);
      });
    }
    expect(opt.stepOf('w')).toBe(3);
    opt.dispose();
    w.dispose();
  });

  it('reproduces torch AdamW on the bert-cls fixture (first values of every parameter after one step)', async () => {
    const dir = fileURLToPath(new URL('../../../../test/fixtures/hf-tiny/bert-cls/', import.meta.url));
    const ref = JSON.parse(readFileSync(`${dir}reference.json`, 'utf8')) as {
      grads: Record<string, { head: number[] }>;
      adamw: { lr: number; betas: [number, number]; eps: number; weight_decay: number; params_after_one_step: Record<string, { head: number[] }> };
    };
    const weights = (await readSafetensorsFile(`${dir}model.safetensors`)).tensors;
    const opt = new AdamW({ betas: ref.adamw.betas, eps: ref.adamw.eps });
    let checked = 0;
    for (const [name, after] of Object.entries(ref.adamw.params_after_one_step)) {
      const head = after.head.length;
      const p = tf.variable(tf.tensor1d(toFloat32(weights.get(name)!).slice(0, head)), true, `fixture-${name}`);
      const g = tf.tensor1d(ref.grads[name]!.head.slice(0, head));
      opt.step([group(name, p, ref.adamw.lr, ref.adamw.weight_decay)], new Map([[name, g]]));
      const got = p.dataSync();
      after.head.forEach((want, k) => expect(Math.abs(got[k]! - want)).toBeLessThan(2e-7));
      checked += head;
      tf.dispose([p, g]);
    }
    expect(checked).toBeGreaterThan(100);
    opt.dispose();
  });

  it('skips frozen groups and parameters without gradient: no update, no decay, no state', () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const b = tf.variable(tf.tensor1d([3, 4]));
    const c = tf.variable(tf.tensor1d([5, 6]));
    const opt = new AdamW();
    const g = tf.tensor1d([1, 1]);
    opt.step([group('a', a, 0.1, 0.5, false), group('b', b, 0.1, 0.5), group('c', c, 0.1, 0.5)], new Map([['a', g], ['b', g]]));
    expect([...a.dataSync()]).toEqual([1, 2]);
    expect([...c.dataSync()]).toEqual([5, 6]);
    expect(b.dataSync()[0]).not.toBe(3);
    expect(opt.stateSize).toBe(1);
    expect(opt.stepOf('a')).toBe(0);
    tf.dispose([a, b, c, g]);
    opt.dispose();
  });

  it('keeps the tensor count constant across steps and round-trips its state', () => {
    const w = tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', 3));
    const opt = new AdamW();
    const g = tf.randomNormal([4, 3], 0, 1, 'float32', 4);
    opt.step([group('w', w, 0.01, 0.01)], new Map([['w', g]]));
    const count = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) opt.step([group('w', w, 0.01, 0.01)], new Map([['w', g]]));
    expect(tf.memory().numTensors).toBe(count);

    // Save, step once; restore into a fresh optimizer and a copy of the old weights; step once: identical.
    const saved = opt.stateDict();
    const copies = new Map([...saved.tensors].map(([k, t]) => [k, t.clone()]));
    const wCopy = tf.variable(w.clone());
    opt.step([group('w', w, 0.01, 0.01)], new Map([['w', g]]));
    const restored = new AdamW();
    restored.loadStateDict({ steps: saved.steps, tensors: copies }, new Map([['w', wCopy]]));
    restored.step([group('w', wCopy, 0.01, 0.01)], new Map([['w', g]]));
    expect([...wCopy.dataSync()]).toEqual([...w.dataSync()]);
    expect(restored.stepOf('w')).toBe(22);
    tf.dispose([...copies.values(), w, wCopy, g]);
    opt.dispose();
    restored.dispose();
  });

  it('refuses state whose shapes do not fit the model', () => {
    const w = tf.variable(tf.zeros([2, 2]));
    const bad = tf.zeros([3]);
    const opt = new AdamW();
    expect(() => opt.loadStateDict({ steps: { w: 1 }, tensors: new Map([['w.exp_avg', bad], ['w.exp_avg_sq', bad]]) }, new Map([['w', w]]))).toThrow(
      /optimizer tensor w.exp_avg has shape \[3\] but the parameter is \[2, 2\]/,
    );
    tf.dispose([w, bad]);
  });
});
