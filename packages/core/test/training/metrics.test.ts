import { describe, expect, it } from 'vitest';
import {
  accuracy,
  argmaxRows,
  classificationMetrics,
  classificationReport,
  f1Score,
  matthewsCorrcoef,
} from '../../src/training/metrics/classification-metrics.js';

// Hand-computed with sklearn's definitions. Confusion matrix (rows true, cols predicted):
//   [[2,1,0],[0,2,1],[1,0,3]] → per class tp 2/2/3, fp 1/1/1, fn 1/1/1.
const yTrue = [0, 0, 0, 1, 1, 2, 2, 2, 2, 1];
const yPred = [0, 1, 0, 1, 2, 2, 2, 0, 2, 1];

describe('classification metrics (sklearn definitions)', () => {
  it('accuracy, macro/micro/weighted F1', () => {
    expect(accuracy(yTrue, yPred)).toBeCloseTo(0.7, 12);
    expect(f1Score(yTrue, yPred, 'macro')).toBeCloseTo((2 / 3 + 2 / 3 + 0.75) / 3, 12);
    expect(f1Score(yTrue, yPred, 'micro')).toBeCloseTo(0.7, 12);
    expect(f1Score(yTrue, yPred, 'weighted')).toBeCloseTo((2 + 2 + 3) / 10, 12);
  });

  it('multi-class MCC (Gorodkin): (c·s − Σt·p)/sqrt((s² − Σp²)(s² − Σt²))', () => {
    // t = p = [3,3,4], c = 7, s = 10 → (70 − 34) / sqrt(66·66)
    expect(matthewsCorrcoef(yTrue, yPred)).toBeCloseTo(36 / 66, 12);
    // binary: tp 1, tn 2, fp 0, fn 1 → 2/sqrt(12), the textbook binary formula
    expect(matthewsCorrcoef([1, 1, 0, 0], [1, 0, 0, 0])).toBeCloseTo(2 / Math.sqrt(12), 12);
    expect(matthewsCorrcoef([0, 1, 1], [0, 1, 1])).toBeCloseTo(1, 12);
  });

  it('zero division counts as 0 (one predicted class)', () => {
    expect(matthewsCorrcoef([0, 1], [0, 0])).toBe(0);
    expect(f1Score([0, 1], [0, 0], 'macro')).toBeCloseTo(1 / 3, 12);
  });

  it('per-class report with names and supports', () => {
    const r = classificationReport(yTrue, yPred, { 0: 'red', 1: 'blue', 2: 'green' });
    expect(r.map((x) => x.label)).toEqual(['red', 'blue', 'green']);
    expect(r[2]).toEqual({ label: 'green', precision: 0.75, recall: 0.75, f1: 0.75, support: 4 });
    expect(r[0]!.precision).toBeCloseTo(2 / 3, 12);
    expect(r[1]!.recall).toBeCloseTo(2 / 3, 12);
  });

  it('classificationMetrics names and argmax of logits', () => {
    expect(Object.keys(classificationMetrics(yTrue, yPred))).toEqual(['accuracy', 'f1_macro', 'f1_micro', 'mcc']);
    expect(argmaxRows([0.1, 0.9, 0.0, 2, 1, 2], 3)).toEqual([1, 0]); // first maximum wins a tie
  });

  it('refuses lists of different lengths', () => {
    expect(() => accuracy([0, 1], [0])).toThrow(/2 true labels but 1 predictions/);
  });
});
