import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, loadModel, parseSafetensors, savePretrained, TextTokenizer, fromPretrained } from '@tl/core';
import { FIXTURE_NAMES, fixtureDir } from '../support/fixtures.js';
import { tempDir } from '../support/cli.js';

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
});

describe('save → load round trip', () => {
  for (const name of FIXTURE_NAMES) {
    it(`${name}: saved folder loads back bit-identically with HF names, dtypes and config keys`, async () => {
      const { model, tokenizer, dir } = await fromPretrained(fixtureDir(name));
      const out = join(tempDir(), name);
      await savePretrained(out, model, { tokenizerFrom: dir });

      // Same tensors, names, dtypes and shapes as the file HF wrote (tied decoder stored once, as HF does).
      const original = parseSafetensors(readFileSync(join(fixtureDir(name), 'model.safetensors')), 'original');
      const saved = parseSafetensors(readFileSync(join(out, 'model.safetensors')), 'saved');
      expect([...saved.tensors.keys()].sort()).toEqual([...original.tensors.keys()].sort());
      for (const [tname, raw] of original.tensors) {
        const s = saved.tensors.get(tname)!;
        expect(s.dtype).toBe('F32');
        expect(s.shape).toEqual(raw.shape);
        expect(Buffer.from(s.bytes).equals(Buffer.from(raw.bytes)), `${tname} bytes`).toBe(true);
      }
      expect(saved.metadata['format']).toBe('pt');

      // config.json keeps every key HF wrote, with the architecture and label maps HF expects.
      const before = JSON.parse(readFileSync(join(fixtureDir(name), 'config.json'), 'utf8'));
      const after = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
      for (const key of Object.keys(before)) expect(after, key).toHaveProperty(key);
      expect(after.architectures).toEqual(before.architectures);
      expect(after.model_type).toBe(before.model_type);
      expect(Object.keys(after.id2label).length).toBeGreaterThan(0);

      const reloaded = await loadModel(out);
      expect(reloaded.report.missing).toEqual([]);
      for (const [pname, v] of model.parameters.entries()) {
        const a = v.dataSync();
        const b = reloaded.model.parameters.get(pname).dataSync();
        expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)), pname).toBe(true);
      }
      const tok2 = await TextTokenizer.fromFolder(out);
      expect(tok2.encode('Hello, World!').ids).toEqual(tokenizer.encode('Hello, World!').ids);
      model.dispose();
      reloaded.model.dispose();
    });
  }

  it('a masked-LM checkpoint loads as a classifier: the encoder is shared, the new head is reported missing', async () => {
    const { model, report } = await loadModel(fixtureDir('bert-mlm'), { task: 'sequence-classification', id2label: { 0: 'neg', 1: 'pos' } });
    expect(report.missing.sort()).toEqual(['bert.pooler.dense.bias', 'bert.pooler.dense.weight', 'classifier.bias', 'classifier.weight']);
    expect(report.unexpected.sort()).toEqual([
      'cls.predictions.bias',
      'cls.predictions.transform.LayerNorm.bias',
      'cls.predictions.transform.LayerNorm.weight',
      'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.dense.weight',
    ]);
    expect(model.parameters.get('classifier.weight').shape).toEqual([2, 32]);
    expect(model.config['architectures']).toEqual(['BertForSequenceClassification']);
    model.dispose();
  });

  it('a bare encoder (feature extraction) loads a task checkpoint by stripping the base prefix', async () => {
    const { model, report } = await loadModel(fixtureDir('bert-cls'), { task: 'feature-extraction' });
    expect(report.missing).toEqual([]);
    expect(model.parameters.has('embeddings.word_embeddings.weight')).toBe(true);
    expect(report.unexpected).toEqual(['classifier.bias', 'classifier.weight']);
    const batch = {
      inputIds: tf.tensor2d([[2, 41, 64, 3]], undefined, 'int32'),
      attentionMask: tf.tensor2d([[1, 1, 1, 1]], undefined, 'int32'),
    };
    const out = model.forward(batch);
    expect(out.lastHiddenState.shape).toEqual([1, 4, 32]);
    expect(out.poolerOutput!.shape).toEqual([1, 32]);
    tf.dispose([...Object.values(out), ...Object.values(batch)] as tf.Tensor[]);
    model.dispose();
  });
});
