import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, parseDataset } from '../../src/data/dataset/load-dataset.js';
import { labelMapFromLabel2Id } from '../../src/data/labels/label-map.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tl-data-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('loadDataset', () => {
  it('reads JSONL with field mapping, text pairs and a sorted label map', async () => {
    const p = write('pairs.jsonl', jsonl([
      { q: 'a cat', c: 'sits', y: 'neutral' },
      { q: 'a dog', c: 'runs', y: 'entailment' },
      { q: 'a fox', c: 'jumps', y: 'contradiction' },
    ]));
    const d = await loadDataset(p, { textField: 'q', textPairField: 'c', labelField: 'y' });
    expect(d.labelMap.id2label).toEqual({ 0: 'contradiction', 1: 'entailment', 2: 'neutral' });
    expect(d.examples[0]).toEqual({ text: 'a cat', textPair: 'sits', label: 2 });
    expect(d.labelKind).toBe('name');
    expect(d.lines).toEqual([1, 2, 3]);
  });

  it('takes integer labels as class indices and maps strings through a given label2id', async () => {
    const ints = await loadDataset(write('ints.jsonl', jsonl([{ text: 'x', label: 1 }, { text: 'y', label: 0 }])));
    expect(ints.examples.map((e) => e.label)).toEqual([1, 0]);
    expect(ints.labelKind).toBe('index');
    expect(ints.labelMap.numLabels).toBe(2);
    const map = labelMapFromLabel2Id({ spam: 1, ham: 0 });
    const named = await loadDataset(write('named.jsonl', jsonl([{ text: 'x', label: 'spam' }])), { labelMap: map });
    expect(named.examples[0]!.label).toBe(1);
  });

  it('names file and line for malformed JSON, missing fields, empty text and unknown labels', async () => {
    const lines = [jsonl([{ text: 'fine', label: 'a' }]), '\n', '{"text": "broken",\n'].join('');
    await expect(loadDataset(write('train.jsonl', lines))).rejects.toThrow(/train\.jsonl:3: malformed JSON/);
    await expect(loadDataset(write('m.jsonl', jsonl([{ text: 'ok', label: 0 }, { label: 1 }])))).rejects.toThrow(/m\.jsonl:2: missing field "text" \(fields: label\)/);
    await expect(loadDataset(write('e.jsonl', jsonl([{ text: 'ok', label: 0 }, { text: 'ok', label: 0 }, { text: '  ', label: 1 }])))).rejects.toThrow(
      /e\.jsonl:3: empty text in field "text"/,
    );
    await expect(loadDataset(write('l.jsonl', jsonl([{ text: 'ok' }])))).rejects.toThrow(/l\.jsonl:1: missing field "label"/);
    const map = labelMapFromLabel2Id({ a: 0, b: 1 });
    await expect(loadDataset(write('u.jsonl', jsonl([{ text: 'ok', label: 'a' }, { text: 'ok', label: 'zzz' }])), { labelMap: map })).rejects.toThrow(
      /u\.jsonl:2: unknown label "zzz" \(known: a, b\)/,
    );
    await expect(loadDataset(write('r.jsonl', jsonl([{ text: 'ok', label: 5 }])), { numLabels: 3 })).rejects.toThrow(/r\.jsonl:1: label 5 is out of range for 3 classes/);
    await expect(loadDataset(write('mix.jsonl', jsonl([{ text: 'ok', label: 0 }, { text: 'ok', label: 'a' }])))).rejects.toThrow(
      /mix\.jsonl:2: label "a" is a name but earlier labels are integer class indices/,
    );
    await expect(loadDataset(write('arr.jsonl', '[1,2]\n'))).rejects.toThrow(/arr\.jsonl:1: expected a JSON object, got an array/);
    await expect(loadDataset(write('f.jsonl', jsonl([{ text: 'ok', label: 1.5 }])))).rejects.toThrow(/f\.jsonl:1: label 1\.5 is not a class index/);
  });

  it('reads CSV (quoted fields across lines) and names the starting line of a bad record', async () => {
    const csv = 'text,label\n"hello, world",pos\n"two\nlines",neg\n"",pos\n';
    await expect(loadDataset(write('d.csv', csv))).rejects.toThrow(/d\.csv:5: empty text in field "text"/);
    const ok = await loadDataset(write('ok.csv', 'text,label\n"hello, world",pos\n"two\nlines",neg\n'));
    expect(ok.examples).toEqual([
      { text: 'hello, world', label: 1 },
      { text: 'two\nlines', label: 0 },
    ]);
    expect(ok.lines).toEqual([2, 3]);
    await expect(loadDataset(write('bad.csv', 'text,label\nx,1\ny,1,extra\n'))).rejects.toThrow(/bad\.csv:3: Invalid Record Length/);
  });

  it('reads TSV without quote handling and infers integer labels in delimited files', async () => {
    const d = await loadDataset(write('d.tsv', 'sentence\tlabel\nhe said "hi\t1\nbye\t0\n'), { textField: 'sentence' });
    expect(d.examples).toEqual([
      { text: 'he said "hi', label: 1 },
      { text: 'bye', label: 0 },
    ]);
    expect(d.labelKind).toBe('index');
  });

  it('parses text in memory and supports regression labels', () => {
    const d = parseDataset('{"text":"a","label":0.25}\n', { format: 'jsonl', source: 'inline', regression: true });
    expect(d.examples[0]!.label).toBe(0.25);
    expect(() => parseDataset('{"text":"a","label":"x"}\n', { format: 'jsonl', source: 'inline', regression: true })).toThrow(/inline:1: label "x" .* is not a number/);
  });

  it('fails clearly on a missing file and an unknown extension', async () => {
    await expect(loadDataset(join(dir, 'nope.jsonl'))).rejects.toThrow(/nope\.jsonl: cannot read \(ENOENT\)/);
    await expect(loadDataset(write('x.txt', 'hi'))).rejects.toThrow(/cannot tell the format/);
  });
});
