import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { main } from './hooks.js';

const fixture = fileURLToPath(new URL('../test/fixtures/hf-tiny/bert-cls', import.meta.url));

describe('examples/hooks.ts', () => {
  it('logs a gradient norm per layer group at every step', async () => {
    const lines: string[] = [];
    const { result, gradLogger } = await main(fixture, { maxSteps: 4, log: (l) => lines.push(l) });
    expect(result.steps).toBe(4);
    expect(lines).toHaveLength(4);
    for (const { norms } of gradLogger.history) {
      expect(Object.keys(norms).sort()).toEqual(['embeddings', 'head', 'layer.0', 'layer.1']);
      for (const n of Object.values(norms)) expect(n).toBeGreaterThan(0);
    }
  });

  it('stops on a plateau: with lr 0 the loss never improves, so training ends after the patience', async () => {
    const { result } = await main(fixture, { learningRate: 0, maxSteps: 50, log: () => {} });
    expect(result.stoppedEarly).toBe(true);
    expect(result.stopReason).toMatch(/plateau/);
    expect(result.steps).toBe(4); // best set at step 1, then 3 stale steps
  });
});
