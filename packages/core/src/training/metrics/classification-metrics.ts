import { ConfusionMatrix } from './confusion-matrix.js';

/** sklearn's `zero_division=0`: a ratio with an empty denominator counts as 0. */
const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);

export function accuracy(yTrue: readonly number[], yPred: readonly number[]): number {
  const cm = new ConfusionMatrix(yTrue, yPred);
  return ratio(cm.labels.reduce((s, _, i) => s + cm.counts[i]![i]!, 0), cm.total);
}

export interface ClassReport {
  readonly label: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Number of true examples of the class. */
  readonly support: number;
}

/**
 * Per-class precision, recall and F1 (sklearn `precision_recall_fscore_support(average=None)`) for
 * every class occurring in either list, named through `labelNames` (index → name) when given.
 */
export function classificationReport(
  yTrue: readonly number[],
  yPred: readonly number[],
  labelNames?: Readonly<Record<number, string>>,
): ClassReport[] {
  const cm = new ConfusionMatrix(yTrue, yPred);
  return cm.labels.map((label, i) => {
    const { tp, fp, fn, support } = cm.outcomes(i);
    return {
      label: labelNames?.[label] ?? String(label),
      precision: ratio(tp, tp + fp),
      recall: ratio(tp, tp + fn),
      f1: ratio(2 * tp, 2 * tp + fp + fn),
      support,
    };
  });
}

/**
 * F1 as sklearn's `f1_score`: `macro` is the unweighted mean of per-class F1 over the classes in
 * either list; `micro` pools TP/FP/FN over classes (equal to accuracy for single-label multi-class);
 * `weighted` weights per-class F1 by support.
 */
export function f1Score(yTrue: readonly number[], yPred: readonly number[], average: 'macro' | 'micro' | 'weighted'): number {
  const cm = new ConfusionMatrix(yTrue, yPred);
  const per = cm.labels.map((_, i) => cm.outcomes(i));
  if (per.length === 0) return 0;
  if (average === 'micro') {
    const tp = per.reduce((s, o) => s + o.tp, 0);
    const fp = per.reduce((s, o) => s + o.fp, 0);
    const fn = per.reduce((s, o) => s + o.fn, 0);
    return ratio(2 * tp, 2 * tp + fp + fn);
  }
  const f1s = per.map((o) => ratio(2 * o.tp, 2 * o.tp + o.fp + o.fn));
  if (average === 'macro') return f1s.reduce((a, b) => a + b, 0) / f1s.length;
  const support = per.reduce((s, o) => s + o.support, 0);
  return ratio(
    f1s.reduce((s, f, i) => s + f * per[i]!.support, 0),
    support,
  );
}

/**
 * Matthews correlation coefficient, multi-class form (Gorodkin 2004) as sklearn's `matthews_corrcoef`:
 * with t_k true counts, p_k predicted counts, c correct and s samples,
 * (c·s − Σ t_k p_k) / sqrt((s² − Σ p_k²)(s² − Σ t_k²)), and 0 when either factor is 0.
 */
export function matthewsCorrcoef(yTrue: readonly number[], yPred: readonly number[]): number {
  const cm = new ConfusionMatrix(yTrue, yPred);
  const s = cm.total;
  let correct = 0;
  let tp = 0;
  let pp = 0;
  let tt = 0;
  cm.labels.forEach((_, k) => {
    const o = cm.outcomes(k);
    const t = o.support;
    const p = o.tp + o.fp;
    correct += o.tp;
    tp += t * p;
    pp += p * p;
    tt += t * t;
  });
  const covYtYp = correct * s - tp;
  const covYpYp = s * s - pp;
  const covYtYt = s * s - tt;
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}

/** The metrics the Trainer reports for classification: accuracy, macro/micro F1 and MCC. */
export function classificationMetrics(yTrue: readonly number[], yPred: readonly number[]): Record<string, number> {
  return {
    accuracy: accuracy(yTrue, yPred),
    f1_macro: f1Score(yTrue, yPred, 'macro'),
    f1_micro: f1Score(yTrue, yPred, 'micro'),
    mcc: matthewsCorrcoef(yTrue, yPred),
  };
}

/** Row-wise argmax of a row-major [rows, cols] matrix (first maximum wins, as numpy/torch). */
export function argmaxRows(values: ArrayLike<number>, cols: number): number[] {
  const rows = values.length / cols;
  const out = new Array<number>(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (values[r * cols + c]! > values[r * cols + best]!) best = c;
    out[r] = best;
  }
  return out;
}
