import * as tf from '@tensorflow/tfjs-core';
import { TL_DROPOUT, buildModel, dropoutMaskReference, hasDropoutKernel, runDropoutKernel } from '@tl/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { randn } from './helpers/compare-backends.js';
import { useBackendPair } from './helpers/backend-pair-hooks.js';

/** @tl/core's TL_DROPOUT on webgpu: the contract pins the mask bits, so the checks are exact. */
describe(`fused ${TL_DROPOUT} on webgpu`, () => {
  useBackendPair();
  beforeAll(async () => {
    await tf.setBackend('webgpu');
  });

  it("draws exactly @tl/core's reference mask, and its gradient applies the same mask", async () => {
    expect(hasDropoutKernel()).toBe(true);
    const n = 3 * 4099; // not a multiple of the workgroup size
    const spec = randn([3, 4099], 70);
    const dySpec = randn([3, 4099], 71);
    const x = tf.tensor(spec.values, spec.shape);
    const dy = tf.tensor(dySpec.values, dySpec.shape);
    const before = tf.memory().numTensors;
    const attrs = { rate: 0.1, seed: 1_234_567 };
    const y = runDropoutKernel(x, attrs);
    const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(runDropoutKernel(t, attrs), dy)))(x);
    const mask = dropoutMaskReference(n, attrs.rate, attrs.seed);
    // Exact, except that a dropped element is +0 here and x·0 (±0) in the reference.
    const masked = (values: Float32Array): number[] => Array.from(values, (v, i) => Math.fround(v * mask[i]!) + 0);
    expect(Array.from(await y.data(), (v) => v + 0)).toEqual(masked(spec.values as Float32Array));
    expect(Array.from(await dx.data(), (v) => v + 0)).toEqual(masked(dySpec.values as Float32Array));
    tf.dispose([y, dx]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dy]);
  });

  it('is what a training forward of a @tl/core model runs (no mask drawn in JavaScript)', async () => {
    const model = buildModel(
      {
        model_type: 'bert', architectures: ['BertForSequenceClassification'], vocab_size: 50, hidden_size: 16, num_hidden_layers: 1,
        num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 16, type_vocab_size: 2, hidden_dropout_prob: 0.1,
        attention_probs_dropout_prob: 0.1, num_labels: 2,
      },
      { seed: 0 },
    );
    const inputs = { inputIds: tf.tensor2d([[1, 5, 7, 2]], undefined, 'int32'), attentionMask: tf.tensor2d([[1, 1, 1, 1]]) };
    const run = async (seed: number): Promise<{ logits: Float32Array; kernels: string[] }> => {
      let out: tf.Tensor | undefined;
      const info = await tf.profile(() => {
        out = tf.tidy(() => model.forward(inputs, { training: true, seed }).logits);
      });
      const logits = Float32Array.from(await out!.data());
      out!.dispose();
      return { logits, kernels: info.kernels.map((k) => k.name) };
    };
    const a = await run(3);
    const b = await run(3);
    const c = await run(4);
    // embeddings, attention probs, attention output, FFN output, pooler/classifier dropout.
    expect(a.kernels.filter((k) => k === TL_DROPOUT).length).toBeGreaterThanOrEqual(4);
    expect(a.kernels).not.toContain('Floor'); // tf.dropout's floor(u + keep)
    expect(a.logits).toEqual(b.logits); // a pure function of the seed
    expect(a.logits).not.toEqual(c.logits);
    tf.dispose(Object.values(inputs));
    model.dispose();
  });
});
