/** TlDropout and TlAdamW: the fused kernels tl may use on the libtorch backends (no tfjs cpu twin). */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '@tl/core';
import { TL_ADAMW, TL_DROPOUT, TorchCpuBackend } from '../src/index.js';

const dropout = (x: tf.Tensor, rate: number, seed: number): tf.Tensor =>
  tf.engine().runKernel(TL_DROPOUT, { x }, { rate, seed }) as tf.Tensor;

beforeAll(async () => {
  await new CpuBackend().init();
  await new TorchCpuBackend().init();
});

describe('TlDropout on torch-cpu', () => {
  it('keeps 1 − rate of the values, scaled by 1 / (1 − rate), and zeroes the rest', async () => {
    await tf.setBackend('torch-cpu');
    const y = dropout(tf.ones([200, 500]), 0.25, 11);
    const values = await y.data();
    const kept = values.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
    expect(kept.length / values.length).toBeCloseTo(0.75, 2);
    y.dispose();
  });

  it('is a function of the seed: same seed, same mask; another seed, another mask; rate 0 is identity', async () => {
    await tf.setBackend('torch-cpu');
    const x = tf.randomNormal([64, 64], 0, 1, 'float32', 3);
    const [a, b, c, d] = [dropout(x, 0.1, 5), dropout(x, 0.1, 5), dropout(x, 0.1, 6), dropout(x, 0, 5)];
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    expect(Array.from(await a.data())).not.toEqual(Array.from(await c.data()));
    expect(Array.from(await d.data())).toEqual(Array.from(await x.data()));
    tf.dispose([x, a, b, c, d]);
  });

  it('differentiates through the same mask', async () => {
    await tf.setBackend('torch-cpu');
    const x = tf.randomNormal([32, 16], 0, 1, 'float32', 4);
    const w = tf.randomNormal([32, 16], 0, 1, 'float32', 5);
    const scaledMask = dropout(tf.ones([32, 16]), 0.3, 9);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(dropout(t, 0.3, 9), w)))(x);
    expect(Array.from(await g.data())).toEqual(Array.from(await tf.mul(w, scaledMask).data()));
    tf.dispose([x, w, scaledMask, g]);
  });
});

describe('TlAdamW on torch-cpu', () => {
  /** torch.optim.AdamW's update in tfjs ops (float32), as the reference on the cpu backend. */
  function reference(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: { lr: number; wd: number; step: number }): tf.Tensor[] {
    return tf.tidy(() => {
      const [b1, b2, eps] = [0.9, 0.999, 1e-8];
      const decayed = tf.mul(p, 1 - o.lr * o.wd);
      const m2 = tf.add(m, tf.mul(tf.sub(g, m), 1 - b1));
      const v2 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
      const denom = tf.add(tf.div(tf.sqrt(v2), Math.sqrt(1 - b2 ** o.step)), eps);
      const p2 = tf.sub(decayed, tf.mul(tf.div(m2, denom), o.lr / (1 - b1 ** o.step)));
      return [p2, m2, v2];
    });
  }

  it('matches torch.optim.AdamW over three steps (weight decay, bias corrections)', async () => {
    const run = async (backend: string): Promise<number[][]> => {
      await tf.setBackend(backend);
      let [p, m, v] = [tf.randomNormal([7, 5], 0, 1, 'float32', 1), tf.zeros([7, 5]), tf.zeros([7, 5])];
      for (let step = 1; step <= 3; step++) {
        const g = tf.randomNormal([7, 5], 0, 1, 'float32', 10 + step);
        const o = { lr: 1e-2, wd: 0.01, step };
        const next =
          backend === 'cpu'
            ? reference(p, g, m, v, o)
            : (tf.engine().runKernel(TL_ADAMW, { param: p, grad: g, expAvg: m, expAvgSq: v }, { lr: o.lr, weightDecay: o.wd, step }) as tf.Tensor[]);
        tf.dispose([p, m, v, g]);
        [p, m, v] = next as [tf.Tensor, tf.Tensor, tf.Tensor];
      }
      const out = [Array.from(await p.data()), Array.from(await m.data()), Array.from(await v.data())];
      tf.dispose([p, m, v]);
      return out;
    };
    const want = await run('cpu');
    const got = await run('torch-cpu');
    for (let k = 0; k < 3; k++) {
      got[k]!.forEach((x, i) => expect(Math.abs(x - want[k]![i]!)).toBeLessThan(1e-6 + 1e-5 * Math.abs(want[k]![i]!)));
    }
  });
});
