import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitOf, WordNet } from '@tl/datasets';
import { writeWordNetCorpus } from './write-corpus.js';

describe('examples/pretrain/write-corpus.ts', () => {
  it('writes the glosses of train-split synsets only, one per line', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tl-corpus-')), 'corpus.txt');
    const n = await writeWordNetCorpus(path);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(n);
    const wordnet = await WordNet.load();
    const heldOut = wordnet.synsets.filter((s) => splitOf(s.id) !== 'train' && s.definition.length > 0);
    expect(n / (n + heldOut.length)).toBeCloseTo(0.8, 1);
    const corpus = new Set(lines);
    // A held-out gloss appears only where a train synset happens to have the very same text.
    const leaked = heldOut.filter((s) => corpus.has(s.examples.length ? `${s.definition}; ${s.examples.join('; ')}` : s.definition));
    expect(leaked.length / heldOut.length).toBeLessThan(0.01);
  });
});
