import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { FIXTURE_PAIRS, FIXTURE_TEXTS, fixtureDir, flat, maxAbsDiff, reference, type FixtureName } from '../support/fixtures.js';
import { runTl, tempDir } from '../support/cli.js';

type Rows = number[][];

/** int64 [batch, sequence] feeds for the inputs a session declares. */
function feeds(session: ort.InferenceSession, inputs: { input_ids: Rows; attention_mask: Rows; token_type_ids?: Rows }): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    const rows = inputs[name as keyof typeof inputs];
    if (!rows) throw new Error(`no ${name} for the session`);
    out[name] = new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);
  }
  return out;
}

async function exported(model: string): Promise<ort.InferenceSession> {
  const path = join(tempDir('tl-export-'), 'model.onnx');
  const r = await runTl(['export', '--model', model, '--output', path]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/wrote .*model\.onnx/);
  return ort.InferenceSession.create(path);
}

/** `tl predict` logits for the fixture texts (pairs for BERT, as its reference was made). */
async function tlLogits(model: string, pairs: boolean, maxLength: number): Promise<number[]> {
  const input = join(tempDir(), 'in.jsonl');
  writeFileSync(input, FIXTURE_TEXTS.map((text, i) => JSON.stringify(pairs ? { text, text_pair: FIXTURE_PAIRS[i] } : { text })).join('\n'));
  const p = await runTl(['predict', '--model', model, '--input', input, '--max-length', String(maxLength)]);
  expect(p.status, p.stderr).toBe(0);
  return p.stdout.trim().split('\n').flatMap((l) => (JSON.parse(l) as { logits: number[] }).logits);
}

describe('tl export (ONNX, run by onnxruntime-node)', () => {
  const cases: [FixtureName, boolean, number][] = [['bert-cls', true, 56], ['roberta-cls', false, 60], ['distilbert-cls', false, 56]];
  for (const [name, pairs, maxLength] of cases) {
    it(`${name}: onnxruntime logits within 1e-4 of tl's (and of HF's reference)`, async () => {
      const session = await exported(fixtureDir(name));
      expect(session.outputNames).toEqual(['logits']);
      expect(session.inputNames.includes('token_type_ids')).toBe(name === 'bert-cls');
      const ref = reference(name);
      const out = await session.run(feeds(session, ref.inputs));
      const logits = [...(out['logits']!.data as Float32Array)];
      expect(out['logits']!.dims).toEqual([3, ref.logits!.shape[1]]);
      expect(maxAbsDiff(logits, await tlLogits(fixtureDir(name), pairs, maxLength))).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(logits, flat(ref.logits!.data))).toBeLessThanOrEqual(1e-4);
    });
  }

  it('batch and sequence axes are dynamic: one example alone gives its rows of the batched run', async () => {
    const session = await exported(fixtureDir('bert-cls'));
    const ref = reference('bert-cls');
    const all = (await session.run(feeds(session, ref.inputs)))['logits']!.data as Float32Array;
    // The first example without its padding: a [1, len] batch.
    const len = ref.inputs.attention_mask[0]!.reduce((a, b) => a + b, 0);
    const cut = (rows: Rows) => [rows[0]!.slice(0, len)];
    const one = (await session.run(feeds(session, { input_ids: cut(ref.inputs.input_ids), attention_mask: cut(ref.inputs.attention_mask), token_type_ids: cut(ref.inputs.token_type_ids!) })))['logits']!.data as Float32Array;
    expect(maxAbsDiff([...one], [...all.slice(0, one.length)])).toBeLessThanOrEqual(1e-5);
  });

  it('a model fine-tuned by tl finetune (a new 4-label head) exports and runs with the logits of tl predict', async () => {
    const dir = tempDir('tl-export-ft-');
    const train = join(dir, 'train.jsonl');
    writeFileSync(train, FIXTURE_TEXTS.map((text, i) => JSON.stringify({ text, label: ['a', 'b', 'c', 'd'][i] })).join('\n') + '\n' + JSON.stringify({ text: 'more', label: 'd' }) + '\n');
    const out = join(dir, 'ft');
    const f = await runTl(['finetune', '--model', fixtureDir('roberta-cls'), '--train', train, '--output-dir', out, '--max-steps', '3', '--lr', '1e-3', '--batch-size', '4']);
    expect(f.status, f.stderr).toBe(0);
    const session = await exported(out);
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, FIXTURE_TEXTS.map((text) => JSON.stringify({ text })).join('\n'));
    const p = await runTl(['predict', '--model', out, '--input', input, '--max-length', '60']);
    const tl = p.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { logits: number[] }).logits);
    expect(tl[0]).toHaveLength(4);
    // Each text alone, unpadded: HF's ids for it (reference inputs, max_length 60) cut at its length.
    const ref = reference('roberta-cls').inputs;
    for (const [i] of FIXTURE_TEXTS.entries()) {
      const len = ref.attention_mask[i]!.reduce((a, b) => a + b, 0);
      const ids = ref.input_ids[i]!.slice(0, len);
      const logits = (await session.run(feeds(session, { input_ids: [ids], attention_mask: [ids.map(() => 1)] })))['logits']!.data as Float32Array;
      expect(maxAbsDiff([...logits], tl[i]!)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('refuses a model without a classification head, naming it', async () => {
    const r = await runTl(['export', '--model', fixtureDir('bert-mlm'), '--output', join(tempDir(), 'x.onnx')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/tl: error: .*bert-mlm\/config\.json: architectures \["BertForMaskedLM"\] has no sequence-classification head/);
  });
});
