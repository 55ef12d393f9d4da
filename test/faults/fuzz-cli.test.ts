import { describe, expect, it } from 'vitest';
// The fuzzer users rerun with 10 000 cases per command (scripts/faults/fuzz-cli.mjs); here a seeded few hundred.
import { fuzzCli } from '../../scripts/faults/fuzz-cli.mjs';

describe('tl finetune, predict and evaluate on mutated JSONL, CSV, config.json and tokenizer.json', () => {
  it('succeed with complete output or fail with one typed tl: error line, exit 1 and no result file', async () => {
    const log: string[] = [];
    const summary = await fuzzCli({ cases: 70, seed: 11, spawnSample: 1, timeoutMs: 60_000, log: (l: string) => log.push(l) });
    expect(summary.failures, log.join('\n')).toEqual([]);
    for (const [command, c] of Object.entries(summary.counts)) {
      expect(c.cases, command).toBe(70);
      expect(c.ok + c.error, command).toBe(70);
      // Both outcomes are reached: mutations that keep the input valid, and ones each check refuses.
      expect(c.ok, command).toBeGreaterThan(0);
      expect(c.error, command).toBeGreaterThan(0);
      expect(c.spawned, command).toBe(1);
    }
  }, 600_000);
});
