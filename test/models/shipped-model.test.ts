import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, createEngine, fromPretrained, readModelConfig, resolvePretrained } from '@tl/core';
import { runTl, tempDir } from '../support/cli.js';

/**
 * tl-bert-en-small ships in @tl/models: it resolves by its short id with the Hub unreachable and
 * offline mode on, loads from fp16 safetensors as a masked LM, and fills the blank of a fixed
 * sentence. Also reachable from the CLI by the same id.
 */
const ID = 'tl-bert-en-small';
const OFFLINE = { HF_HUB_OFFLINE: '1', HF_ENDPOINT: 'http://127.0.0.1:9' };

describe(`the shipped ${ID}`, () => {
  beforeAll(async () => {
    await createEngine({ backend: 'wasm' });
    for (const [k, v] of Object.entries(OFFLINE)) process.env[k] = v;
  });

  it('resolves by id to a folder inside @tl/models with fp16 weights, a tokenizer and a model card', async () => {
    const dir = await resolvePretrained(ID);
    expect(dir).toMatch(/packages\/models\/weights\/tl-bert-en-small$/);
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'README.md', 'loss-curve.svg']) expect(existsSync(join(dir, f)), f).toBe(true);
    const bytes = readFileSync(join(dir, 'model.safetensors'));
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { dtype?: string }>;
    expect(Object.entries(header).filter(([k]) => k !== '__metadata__').every(([, v]) => v.dtype === 'F16')).toBe(true);
  });

  it('fills the masked word of a fixed sentence (and the same architecture at random init does not)', async () => {
    const { model, tokenizer, report } = await fromPretrained(ID, { task: 'masked-lm' });
    expect(report.missing).toEqual([]);
    const top5 = async (m: typeof model): Promise<(string | undefined)[]> => {
      const ids = tokenizer.encodeBatch([{ text: FILL_MASK.sentence }], { padding: false }).inputIds[0]!;
      const at = ids.indexOf(tokenizer.specialTokenIds.mask!);
      expect(at).toBeGreaterThan(0);
      const logits = tf.tidy(() => {
        const out = m.forward({ inputIds: tf.tensor2d([ids], [1, ids.length], 'int32'), attentionMask: tf.ones([1, ids.length], 'int32') }, { training: false });
        return tf.squeeze(tf.slice(out.logits!, [0, at, 0], [1, 1, -1]));
      });
      const { indices } = tf.topk(logits, 5);
      const top = Array.from(await indices.data()).map((i) => tokenizer.idToToken(i));
      tf.dispose([logits, indices]);
      return top;
    };
    const top = await top5(model);
    expect(top, `top 5 for "${FILL_MASK.sentence}": ${top.join(', ')}`).toContain(FILL_MASK.expected);
    const fresh = buildModel(await readModelConfig(await resolvePretrained(ID)), { task: 'masked-lm', seed: 7 });
    expect(await top5(fresh)).not.toContain(FILL_MASK.expected);
    fresh.dispose();
    model.dispose();
  });

  it('tl finetune takes the id, offline', async () => {
    const work = tempDir('tl-shipped-');
    const train = join(work, 'train.jsonl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(train, ['a small dog', 'to move fast', 'a large cat', 'to run away'].map((text, i) => JSON.stringify({ text, label: i % 2 })).join('\n') + '\n');
    const r = await runTl(['finetune', '--model', ID, '--train', train, '--output-dir', join(work, 'out'), '--max-steps', '2', '--batch-size', '2'], OFFLINE);
    expect(r.status, r.stderr).toBe(0);
  });
});

/**
 * The shipped model is small and briefly trained (see its model card): a determiner before a noun is
 * what it predicts reliably. Random weights of the same shape do not; a broken load or forward fails.
 */
const FILL_MASK = { sentence: 'he sat down on [MASK] chair and looked out of the window.', expected: 'the' };
