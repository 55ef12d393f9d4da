import { describe, expect, it } from 'vitest';
import { dataEfficiency, gainPoints, meanStd, relativeErrorReduction } from '../../src/transfer/experiment/transfer-metrics.js';
import { summarise, budgetCount, type TransferRun } from '../../src/transfer/experiment/run-transfer.js';

describe('transfer metrics (hand-checked)', () => {
  it('mean and sample std', () => {
    const { mean, std } = meanStd([0.6, 0.7, 0.8]);
    expect(mean).toBeCloseTo(0.7, 12);
    expect(std).toBeCloseTo(0.1, 12);
    expect(meanStd([0.5]).std).toBe(0);
  });

  it('gain in points and relative error reduction', () => {
    expect(gainPoints(0.8, 0.7)).toBeCloseTo(10, 12);
    expect(relativeErrorReduction(0.8, 0.6)).toBeCloseTo(0.5, 12); // errors 0.4 → 0.2
    expect(relativeErrorReduction(0.5, 0.6)).toBeCloseTo(-0.25, 12);
    expect(relativeErrorReduction(1, 1)).toBeNull();
  });

  it('data efficiency interpolates the first crossing of scratch at its largest budget', () => {
    const scratch = [{ budget: 0.01, accuracy: 0.5 }, { budget: 1, accuracy: 0.8 }];
    // 0.7 at 10%, 0.9 at 100%: 0.8 is reached half way, at 55%.
    const e = dataEfficiency([{ budget: 0.1, accuracy: 0.7 }, { budget: 1, accuracy: 0.9 }, { budget: 0.01, accuracy: 0.6 }], scratch);
    expect(e).toMatchObject({ target: 0.8, referenceBudget: 1, atMost: false });
    expect(e.fraction).toBeCloseTo(0.55, 12);
    expect(dataEfficiency([{ budget: 0.01, accuracy: 0.85 }], scratch)).toMatchObject({ fraction: 0.01, atMost: true });
    expect(dataEfficiency([{ budget: 1, accuracy: 0.79 }], scratch).fraction).toBeNull();
  });

  it('budget counts: at least one example, at most all', () => {
    expect(budgetCount(0.01, 1500)).toBe(15);
    expect(budgetCount(0.0001, 50)).toBe(1);
    expect(budgetCount(1, 7)).toBe(7);
  });

  it('summarises runs into mean ± std per condition and budget with scores against scratch', () => {
    const run = (condition: TransferRun['condition'], budget: number, seed: number, accuracy: number): TransferRun => ({ condition, budget, seed, trainSize: budget * 100, accuracy, metrics: {}, seconds: 1 });
    const runs = [run('scratch', 0.1, 1, 0.6), run('scratch', 0.1, 2, 0.6), run('scratch', 1, 1, 0.8), run('scratch', 1, 2, 0.8), run('pretrained', 0.1, 1, 0.7), run('pretrained', 0.1, 2, 0.9), run('pretrained', 1, 1, 0.9), run('pretrained', 1, 2, 0.9)];
    const { summary, dataEfficiency: eff } = summarise(runs, ['scratch', 'pretrained'], [0.1, 1]);
    const row = summary.find((s) => s.condition === 'pretrained' && s.budget === 0.1)!;
    expect(row.accuracy.mean).toBeCloseTo(0.8, 12);
    expect(row.accuracy.n).toBe(2);
    expect(row.gainPoints).toBeCloseTo(20, 9);
    expect(row.relativeErrorReduction).toBeCloseTo(0.5, 9);
    expect(summary.find((s) => s.condition === 'scratch')!.gainPoints).toBeUndefined();
    expect(eff.pretrained).toMatchObject({ fraction: 0.1, atMost: true, target: 0.8 });
  });
});
