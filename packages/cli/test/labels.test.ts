import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelMapFromLabel2Id, loadDataset, type LabelMap } from '@tl/core';
import { loadTrainingData, relabel } from '../src/runtime/labels.js';

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tl-labels-')), name);
  writeFileSync(path, text);
  return path;
}

const named = (label2id: Record<string, number>): LabelMap => labelMapFromLabel2Id(label2id);

describe('relabel (one read of the training file)', () => {
  it('maps names through another label map exactly as reading the file with that map does', async () => {
    const path = file('train.jsonl', ['{"text":"a","label":"pos"}', '{"text":"b","label":"neg"}', '{"text":"c","label":"neutral"}'].join('\n'));
    const target = named({ pos: 0, neutral: 1, neg: 2 });
    const once = relabel(await loadDataset(path), target);
    expect(once).toEqual(await loadDataset(path, { labelMap: target }));
    expect(once!.examples.map((e) => e.label)).toEqual([0, 2, 1]);
  });

  it('keeps class indices and takes the wider map, as reading with it does (JSONL and CSV)', async () => {
    const target = named({ neg: 0, pos: 1, other: 2 });
    for (const path of [file('i.jsonl', '{"text":"a","label":1}\n{"text":"b","label":0}\n'), file('i.csv', 'text,label\na,1\nb,0\n')]) {
      expect(relabel(await loadDataset(path), target)).toEqual(await loadDataset(path, { labelMap: target }));
    }
  });

  it('declines where only a second read is right: an unknown name, or CSV indices that the map lists as names', async () => {
    const names = file('n.jsonl', '{"text":"a","label":"pos"}\n{"text":"b","label":"meh"}\n');
    expect(relabel(await loadDataset(names), named({ pos: 0, neg: 1 }))).toBeUndefined();
    // Core reads "1" as the *name* "1" here (index 0), not as class index 1.
    const csv = file('n.csv', 'text,label\na,1\nb,0\n');
    const numericNames = named({ '1': 0, '0': 1 });
    expect(relabel(await loadDataset(csv), numericNames)).toBeUndefined();
    const loaded = await loadTrainingData(csv, undefined, {}, { architectures: ['BertForSequenceClassification'], label2id: { '1': 0, '0': 1 } });
    expect(loaded.train).toEqual(await loadDataset(csv, { labelMap: numericNames }));
    expect(loaded.train.examples.map((e) => e.label)).toEqual([0, 1]);
  });

  it('loadTrainingData: names go through the checkpoint label2id; an unknown one names its file and line', async () => {
    const config = { architectures: ['BertForSequenceClassification'], label2id: { neg: 0, pos: 1 } };
    const good = file('t.jsonl', '{"text":"a","label":"pos"}\n{"text":"b","label":"neg"}\n{"text":"c","label":"pos"}\n');
    const { train, labelMap } = await loadTrainingData(good, undefined, {}, config);
    expect(labelMap.label2id).toEqual({ neg: 0, pos: 1 });
    expect(train.examples.map((e) => e.label)).toEqual([1, 0, 1]);
    const bad = file('u.jsonl', '{"text":"a","label":"pos"}\n{"text":"b","label":"meh"}\n');
    await expect(loadTrainingData(bad, undefined, {}, config)).rejects.toThrow(/u\.jsonl:2: unknown label "meh"/);
  });
});
