import { formatMarkdownTable, type ColumnAlign } from '@tl/core';
import type { ClassifierEvaluation } from './evaluate-classifier.js';

/** What `tl evaluate --json` prints and `--output FILE` writes. */
export interface EvaluationReport extends ClassifierEvaluation {
  /** The model as given on the command line (folder or hub id). */
  readonly model: string;
  readonly data: string;
  readonly examples: number;
}

const fixed = (x: number) => x.toFixed(4);

/** Metric rows in the order a reader scans them, with names that say what each is. */
const METRIC_ROWS: readonly (readonly [key: string, name: string])[] = [
  ['eval_loss', 'loss (cross-entropy)'],
  ['eval_accuracy', 'accuracy'],
  ['eval_f1_macro', 'F1 macro'],
  ['eval_f1_micro', 'F1 micro'],
  ['eval_mcc', 'MCC'],
];

/** The Markdown tables `tl evaluate` prints: the metrics, the per-class report and the confusion matrix. */
export function formatEvaluationReport(report: EvaluationReport): string {
  const { metrics, perClass, confusionMatrix: cm } = report;
  const metricRows = METRIC_ROWS.filter(([key]) => metrics[key] !== undefined).map(([key, name]) => [name, fixed(metrics[key]!)]);
  const classRows = perClass.map((c) => [c.label, fixed(c.precision), fixed(c.recall), fixed(c.f1), c.support]);
  const numbers = (n: number): ColumnAlign[] => ['left', ...Array<ColumnAlign>(n).fill('right')];
  return [
    `${report.model} on ${report.data}: ${report.examples} examples`,
    '',
    formatMarkdownTable(['metric', 'value'], metricRows, { align: numbers(1) }),
    '',
    formatMarkdownTable(['label', 'precision', 'recall', 'F1', 'support'], classRows, { align: numbers(4) }),
    '',
    'Confusion matrix (rows: true label, columns: predicted):',
    '',
    formatMarkdownTable(['', ...cm.labels], cm.counts.map((row, i) => [cm.labels[i]!, ...row]), { align: numbers(cm.labels.length) }),
  ].join('\n');
}
