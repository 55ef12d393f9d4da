import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { createEngine, type Engine } from '@tl/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bertLogits, bertLoss, createBertParams } from '../src/bench/bert-shaped.js';
import { bertShapeFromConfig, parseSafetensorsF32 } from '../src/bench/hf-folder.js';
import '../src/index.js';

const folder = fileURLToPath(new URL('../../../test/fixtures/hf-tiny/bert-cls/', import.meta.url));

interface Reference {
  inputs: { input_ids: number[][]; attention_mask: number[][]; token_type_ids: number[][] };
  labels: number[];
  logits: { shape: number[]; data: number[] };
  loss: number;
}

/**
 * The BERT-shaped step with the HF fixture's weights reproduces HF's logits and loss on webgpu: the
 * stand-in the browser example and device benchmark use is a real BERT, not just BERT-sized.
 */
describe('HF bert-cls fixture on webgpu', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ backend: 'webgpu' });
  });
  afterAll(async () => {
    await engine?.dispose();
  });

  it('matches the HF logits and loss within 1e-4', async () => {
    const config = JSON.parse(await readFile(`${folder}config.json`, 'utf8'));
    const ref = JSON.parse(await readFile(`${folder}reference.json`, 'utf8')) as Reference;
    const bytes = await readFile(`${folder}model.safetensors`);
    const shape = bertShapeFromConfig(config);
    const weights = parseSafetensorsF32(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const params = createBertParams(shape, 0, weights);
    const batch = {
      inputIds: tf.tensor2d(ref.inputs.input_ids, undefined, 'int32'),
      attentionMask: tf.tensor2d(ref.inputs.attention_mask),
      tokenTypeIds: tf.tensor2d(ref.inputs.token_type_ids, undefined, 'int32'),
      labels: tf.tensor1d(ref.labels, 'int32'),
    };
    const logits = tf.tidy(() => bertLogits(shape, params, batch));
    const loss = tf.tidy(() => bertLoss(shape, params, batch));
    const got = Array.from(await logits.data());
    got.forEach((v, i) => expect(Math.abs(v - ref.logits.data[i]!), `logit ${i}`).toBeLessThanOrEqual(1e-4));
    expect(Math.abs((await loss.data())[0]! - ref.loss)).toBeLessThanOrEqual(1e-4);
    tf.dispose([logits, loss, ...Object.values(batch), ...Object.values(params)]);
  });
});
