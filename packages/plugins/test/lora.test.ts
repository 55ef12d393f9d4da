import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, readSafetensorsFile, savePretrained, toEncodedBatch, Trainer, type Model, type TextTokenizer } from '@tl/core';
import { Lora, loraNames } from '@tl/plugins';
import { bitwiseEqual, FIXTURES, snapshot, tinyClassifier, TRAIN, useCpu } from './support/tiny.js';

beforeAll(useCpu);

function logitsOf(model: Model, tokenizer: TextTokenizer, texts: readonly string[]): Float32Array {
  const enc = tokenizer.encodeBatch(texts.map((text) => ({ text })), { padding: 'longest', truncation: 'longest_first', maxLength: 24 });
  const batch = toEncodedBatch(enc);
  const out = model.forward(batch, { training: false });
  const data = out.logits!.dataSync() as Float32Array;
  tf.dispose([batch.inputIds, batch.attentionMask, ...(batch.tokenTypeIds ? [batch.tokenTypeIds] : []), out.embeddingOutput, out.lastHiddenState, out.logits!, ...(out.poolerOutput ? [out.poolerOutput] : [])]);
  return data;
}

describe('Lora', () => {
  it('trains r·(in + out) per adapted projection plus the head; the base weights stay bitwise unchanged', async () => {
    const { model, collator } = await tinyClassifier();
    const lora = new Lora({ rank: 4, alpha: 8, targets: ['query', 'value'] });
    const before = snapshot(model);
    const trainer = new Trainer({ model, collator, strategies: [lora], args: { numTrainEpochs: 2, batchSize: 4, learningRate: 1e-2, outputDir: '/tmp/tl-lora-a' } });
    await trainer.fit(TRAIN);

    // 2 layers × {query, value}, each 32→32: 4 × 4·(32 + 32); head: pooler 32·32 + 32, classifier 3·32 + 3.
    const formula = 2 * 2 * 4 * (32 + 32) + (32 * 32 + 32) + (3 * 32 + 3);
    const trainable = trainer.parameterGroups.filter((g) => g.trainable).flatMap((g) => g.parameterNames);
    const counted = trainable.reduce((n, name) => n + model.parameters.get(name).size, 0);
    expect(counted).toBe(formula);
    expect(lora.expectedTrainableCount(model)).toBe(formula);
    expect(lora.adapted).toEqual([
      'bert.encoder.layer.0.attention.self.query.weight',
      'bert.encoder.layer.0.attention.self.value.weight',
      'bert.encoder.layer.1.attention.self.query.weight',
      'bert.encoder.layer.1.attention.self.value.weight',
    ]);
    for (const [name, v] of before) {
      const changed = !bitwiseEqual(v, model.parameters.get(name).dataSync() as Float32Array);
      expect(changed, name).toBe(model.depthOf(name) === 'head');
    }
    // The adapters did learn: B moved off zero.
    const b = model.parameters.get(loraNames(lora.adapted[0]!).b).dataSync();
    expect(Math.max(...Array.from(b, Math.abs))).toBeGreaterThan(0);
    model.dispose();
  });

  it('saves a plain HF checkpoint whose logits equal the adapter model within 1e-5; merge gives the same', async () => {
    const { model, collator, tokenizer } = await tinyClassifier();
    const lora = new Lora({ rank: 2, alpha: 16 });
    const trainer = new Trainer({ model, collator, strategies: [lora], args: { numTrainEpochs: 3, batchSize: 4, learningRate: 2e-2, outputDir: '/tmp/tl-lora-b' } });
    await trainer.fit(TRAIN);
    const texts = TRAIN.map((e) => e.text);
    const adapterLogits = logitsOf(model, tokenizer, texts);
    const baseWeight = model.parameters.get(lora.adapted[0]!).dataSync() as Float32Array;

    const dir = await mkdtemp(join(tmpdir(), 'tl-lora-'));
    try {
      await savePretrained(dir, model, { tokenizerFrom: `${FIXTURES}bert-cls` });
      const saved = await readSafetensorsFile(join(dir, 'model.safetensors'));
      const names = [...saved.tensors.keys()];
      expect(names.some((n) => n.includes('lora_'))).toBe(false);
      expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')).architectures).toEqual(['BertForSequenceClassification']);
      const { model: reloaded, report } = await loadModel(dir);
      expect(report.missing).toEqual([]);
      const merged = logitsOf(reloaded, tokenizer, texts);
      merged.forEach((v, i) => expect(Math.abs(v - adapterLogits[i]!)).toBeLessThan(1e-5));
      // The saved weight is not the stored base weight: the adapter was merged into it.
      expect(bitwiseEqual(reloaded.parameters.get(lora.adapted[0]!).dataSync() as Float32Array, baseWeight)).toBe(false);
      reloaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const before = tf.memory().numTensors;
    expect(Lora.merge(model)).toBe(4);
    expect(model.parameters.names().some((n) => n.includes('lora_'))).toBe(false);
    expect(tf.memory().numTensors).toBe(before - 8); // two factors per adapted weight freed
    const afterMerge = logitsOf(model, tokenizer, texts);
    afterMerge.forEach((v, i) => expect(Math.abs(v - adapterLogits[i]!)).toBeLessThan(1e-5));
    model.dispose();
  });

  it('reads its options from a spec and refuses targets that match nothing', async () => {
    const s = Lora.fromOptions({ r: '4', alpha: '32', targets: 'query+key+value' });
    expect([s.rank, s.alpha, s.targets]).toEqual([4, 32, ['query', 'key', 'value']]);
    expect(() => Lora.fromOptions({ rank: '4' })).toThrow(/unknown option "rank"/);
    const { model, collator } = await tinyClassifier();
    const trainer = new Trainer({ model, collator, strategies: [new Lora({ targets: ['q_lin'] })], args: { maxSteps: 1, outputDir: '/tmp/tl-lora-c' } });
    await expect(trainer.fit(TRAIN)).rejects.toThrow(/no encoder Linear matches targets q_lin/);
    model.dispose();
  });
});
