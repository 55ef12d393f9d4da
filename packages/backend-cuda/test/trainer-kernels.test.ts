/**
 * @tl/core's real fine-tuning path (buildModel + PaddingCollator + Trainer) on torch-cpu runs the
 * fused kernels this backend registers — TL_DROPOUT, TL_LAYER_NORM(+_BACKWARD, _GAMMA_GRAD),
 * TL_GELU(+_BACKWARD), TL_ATTENTION_SOFTMAX(+_BACKWARD), TL_ADAMW_UPDATE_MULTI, TL_GLOBAL_NORM — in
 * place of core's tfjs-op compositions, and (dropout off) trains to the same losses and weights as
 * core's compositions on tfjs cpu.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  Callback,
  PaddingCollator,
  TL_ADAMW_UPDATE_MULTI,
  TL_ATTENTION_SOFTMAX,
  TL_ATTENTION_SOFTMAX_BACKWARD,
  TL_DROPOUT,
  TL_GELU,
  TL_GELU_BACKWARD,
  TL_GLOBAL_NORM,
  TL_LAYER_NORM,
  TL_LAYER_NORM_BACKWARD,
  TL_LAYER_NORM_GAMMA_GRAD,
  Trainer,
  type StepContext,
} from '@tl/core';
import { withoutTlKernels } from '../src/index.js';
import { initBackends } from './fused/helpers.js';

const SEQ = 12;
const BATCH = 4;
const outputDir = mkdtempSync(join(tmpdir(), 'tl-torch-trainer-'));

function tinyBert(dropout: number): Record<string, unknown> {
  return {
    architectures: ['BertForSequenceClassification'],
    model_type: 'bert',
    vocab_size: 50,
    hidden_size: 32,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    intermediate_size: 64,
    max_position_embeddings: 32,
    type_vocab_size: 2,
    hidden_act: 'gelu',
    hidden_dropout_prob: dropout,
    attention_probs_dropout_prob: dropout,
    layer_norm_eps: 1e-12,
    initializer_range: 0.02,
    pad_token_id: 0,
    id2label: { 0: 'A', 1: 'B', 2: 'C' },
    label2id: { A: 0, B: 1, C: 2 },
  };
}

/** Pre-tokenized examples (ids from a fixed LCG), the last of each batch shorter, so padding masks matter. */
const encodings = new Map<string, { inputIds: number[]; tokenTypeIds: number[] }>();
const examples = Array.from({ length: BATCH * 2 }, (_, i) => {
  const text = `example ${i}`;
  const length = i % BATCH === BATCH - 1 ? SEQ - 5 : SEQ;
  const inputIds = Array.from({ length }, (_, t) => 1 + ((i * 31 + t * 17 + 7) % 49));
  encodings.set(text, { inputIds, tokenTypeIds: inputIds.map((_, t) => (t >= length / 2 ? 1 : 0)) });
  return { text, label: i % 3 };
});

class Losses extends Callback {
  readonly name = 'losses';
  readonly values: number[] = [];
  override onStepEnd(ctx: StepContext): void {
    this.values.push(ctx.loss ?? NaN);
  }
}

/** Two Trainer steps on the active backend: losses, final weights, and the kernels run. */
async function train(dropout: number): Promise<{ losses: number[]; weights: Map<string, Float32Array>; kernels: Set<string>; calls: (name: string) => number }> {
  const model = buildModel(tinyBert(dropout), { seed: 3 });
  const losses = new Losses();
  const trainer = new Trainer({
    model,
    collator: new PaddingCollator({ encode: (t) => encodings.get(t)!, padTokenId: 0 }),
    callbacks: [losses],
    args: { outputDir, batchSize: BATCH, maxSteps: 2, learningRate: 1e-3, weightDecay: 0.01, warmupSteps: 1, shuffle: false, seed: 5 },
  });
  try {
    const info = await tf.profile(async () => void (await trainer.fit(examples)));
    const weights = new Map<string, Float32Array>();
    for (const [name, t] of model.parameters.entries()) weights.set(name, t.dataSync() as Float32Array);
    const calls = (name: string): number => info.kernels.filter((k) => k.name === name).length;
    return { losses: losses.values, weights, kernels: new Set(info.kernels.map((k) => k.name)), calls };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

beforeAll(initBackends);
afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

describe('the Trainer on torch-cpu', () => {
  it('runs all ten fused kernels in a step with dropout', async () => {
    await tf.setBackend('torch-cpu');
    const { kernels, calls } = await train(0.1);
    for (const name of [
      TL_DROPOUT,
      TL_LAYER_NORM,
      TL_LAYER_NORM_BACKWARD,
      TL_LAYER_NORM_GAMMA_GRAD,
      TL_GELU,
      TL_GELU_BACKWARD,
      TL_ATTENTION_SOFTMAX,
      TL_ATTENTION_SOFTMAX_BACKWARD,
      TL_ADAMW_UPDATE_MULTI,
      TL_GLOBAL_NORM,
    ]) {
      expect(kernels, name).toContain(name);
    }
    for (const composed of ['Erf', 'Rsqrt', 'Softmax']) expect(kernels).not.toContain(composed);
    // Per step one optimizer kernel and one gradient-norm kernel (not Square + Sum per gradient: the
    // only Squares left are the pooler's tanh gradient, one per step).
    expect([calls(TL_ADAMW_UPDATE_MULTI), calls(TL_GLOBAL_NORM), calls('Square')]).toEqual([2, 2, 2]);
  });

  it('without them (withoutTlKernels) composes tfjs ops again', async () => {
    await tf.setBackend('torch-cpu');
    const { kernels } = await withoutTlKernels(() => train(0.1));
    expect([...kernels].filter((k) => k.startsWith('Tl'))).toEqual([]);
    expect(kernels).toContain('Erf');
  });

  it('trains as core does on tfjs cpu (dropout off): losses within 1e-5, weights within 1e-5', async () => {
    await tf.setBackend('cpu');
    const want = await train(0);
    await tf.setBackend('torch-cpu');
    const got = await train(0);
    expect(got.losses).toHaveLength(2);
    got.losses.forEach((l, i) => expect(Math.abs(l - want.losses[i]!)).toBeLessThan(1e-5));
    let worst = { name: '', diff: 0 };
    for (const [name, w] of want.weights) {
      const g = got.weights.get(name)!;
      for (let i = 0; i < w.length; i++) {
        const diff = Math.abs(g[i]! - w[i]!);
        if (diff > worst.diff) worst = { name, diff };
      }
    }
    expect(worst.diff, `largest weight difference in ${worst.name}`).toBeLessThan(1e-5);
  });
});
