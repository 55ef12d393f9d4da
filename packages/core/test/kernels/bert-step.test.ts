import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/models/build-model.js';
import { AdamW } from '../../src/training/optim/adamw.js';
import { tinyBertBatch, tinyBertLossAndGrads, TINY_BERT_CONFIG, TINY_BERT_PARAMETER_COUNT } from '../support/tiny-bert-step.js';
import { expectClose, initBackends } from './differential.js';

/** The real BERT classifier at tiny dims, small enough for the cpu reference: every kernel of a step. */
function run(backend: 'cpu' | 'wasm'): { loss: number; grads: Record<string, Float32Array> } {
  tf.setBackend(backend);
  return tinyBertLossAndGrads(buildModel, 1);
}

describe('a BERT training step on wasm (the real model)', () => {
  beforeAll(initBackends);

  it('gives the loss and every parameter gradient cpu gives (1e-4)', () => {
    const wasm = run('wasm');
    const cpu = run('cpu');
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(cpu.loss)));
    expect(Object.keys(wasm.grads).sort()).toEqual(Object.keys(cpu.grads).sort());
    expect(Object.keys(wasm.grads).length).toBe(TINY_BERT_PARAMETER_COUNT);
    for (const name of Object.keys(cpu.grads)) {
      const want = cpu.grads[name]!;
      // Relative to the gradient's own scale (tiny entries of a large gradient are rounding noise in
      // both); the key bias's gradient is exactly 0 in theory (softmax ignores a per-row constant), so
      // its scale is floored.
      const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const out = (values: Float32Array) => ({ shape: [values.length], dtype: 'float32' as const, values });
      expectClose(out(wasm.grads[name]!), out(want), 1e-4, 1e-4 * Math.max(scale, 1e-6), name);
    }
  });

  it('trains (forward with dropout, backward, AdamW) without leaking tensors', () => {
    tf.setBackend('wasm');
    const model = buildModel(TINY_BERT_CONFIG, { seed: 3 });
    const { batch, labels, dispose } = tinyBertBatch();
    const optimizer = new AdamW();
    const params = [...model.parameters.entries()].map(([name, variable]) => ({ name, variable }));
    const groups = [{ name: 'all', params, lr: 1e-2, weightDecay: 0.01, trainable: true }];
    const step = (seed: number): number => {
      const { value, grads } = tf.variableGrads(() => model.loss(model.forward(batch, { training: true, seed }), labels));
      const byName = new Map(params.map(({ name, variable }) => [name, grads[variable.name]!]));
      optimizer.step(groups, byName);
      const loss = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      return loss;
    };
    const first = step(1);
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 5; i++) last = step(2 + i);
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(first);
    optimizer.dispose();
    dispose();
    model.dispose();
  });
});
