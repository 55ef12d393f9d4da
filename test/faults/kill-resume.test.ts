import { describe, expect, it } from 'vitest';
// The script users rerun with 20 kills (scripts/faults/kill-resume.mjs); here 3, seeded, on cpu.
import { killResume } from '../../scripts/faults/kill-resume.mjs';

describe('tl finetune killed with SIGKILL', () => {
  it('resumes from the newest complete checkpoint each time and ends bitwise where an uninterrupted run ends (cpu)', async () => {
    const lines: string[] = [];
    const summary = await killResume({ kills: 3, steps: 4, seed: 3, backend: 'cpu', log: (l: string) => lines.push(l) });
    expect(summary.failures, lines.join('\n')).toEqual([]);
    expect(summary.kills).toBe(3);
    // Every trial that was killed finished with the reference's weights and metrics.
    expect(summary.identical).toBe(summary.runs);
    expect(summary.runs).toBeGreaterThan(0);
    expect(summary.killedDuringWrite).toBeGreaterThan(0);
    expect(summary.resumes).toBeGreaterThan(0);
  }, 600_000);
});
