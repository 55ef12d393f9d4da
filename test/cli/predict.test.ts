import { describe, expect, it } from 'vitest';
import { fixtureDir, flat, maxAbsDiff, reference, type FixtureName } from '../support/fixtures.js';
import { fixtureInputFile, runTl } from '../support/cli.js';

const CASES: { name: FixtureName; pairs: boolean; maxLength: number }[] = [
  { name: 'bert-cls', pairs: true, maxLength: 56 },
  { name: 'roberta-cls', pairs: false, maxLength: 60 },
  { name: 'distilbert-cls', pairs: false, maxLength: 56 },
];

describe('tl predict', () => {
  for (const { name, pairs, maxLength } of CASES) {
    it(`prints the HF logits of ${name}`, async () => {
      const input = fixtureInputFile(pairs);
      const r = await runTl(['predict', '--model', fixtureDir(name), '--input', input, '--max-length', String(maxLength)]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { label: string; score: number; logits: number[] });
      expect(lines).toHaveLength(3);
      const expected = flat(reference(name).logits!.data);
      expect(maxAbsDiff(lines.flatMap((l) => l.logits), expected)).toBeLessThanOrEqual(1e-5);
      for (const l of lines) {
        const best = l.logits.indexOf(Math.max(...l.logits));
        expect(l.label).toBe(`LABEL_${best}`);
        expect(l.score).toBeGreaterThan(0);
        expect(l.score).toBeLessThanOrEqual(1);
      }
    });
  }

  it('answers --help with the flags and the output format', async () => {
    const r = await runTl(['predict', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--max-length/);
    expect(r.stdout).toMatch(/--backend/);
    expect(r.stdout).toMatch(/"label", "score", "logits"/);
  });
});
