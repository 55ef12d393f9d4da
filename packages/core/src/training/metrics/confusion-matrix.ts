import { TlError } from '../../errors/tl-error.js';

/**
 * Counts of (true class, predicted class) pairs over the labels that occur in either list, sorted,
 * as sklearn's `confusion_matrix(labels=None)`: row = true, column = predicted.
 */
export class ConfusionMatrix {
  /** The class indices the rows and columns stand for, ascending. */
  readonly labels: readonly number[];
  readonly counts: readonly (readonly number[])[];

  constructor(yTrue: readonly number[], yPred: readonly number[]) {
    if (yTrue.length !== yPred.length) {
      throw new TlError('TRAINING', `metrics: ${yTrue.length} true labels but ${yPred.length} predictions`);
    }
    this.labels = [...new Set([...yTrue, ...yPred])].sort((a, b) => a - b);
    const index = new Map(this.labels.map((l, i) => [l, i]));
    const counts = this.labels.map(() => this.labels.map(() => 0));
    for (let i = 0; i < yTrue.length; i++) counts[index.get(yTrue[i]!)!]![index.get(yPred[i]!)!]! += 1;
    this.counts = counts;
  }

  get total(): number {
    return this.counts.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  }

  /** True positives, false positives and false negatives of the class at row/column `i`. */
  outcomes(i: number): { tp: number; fp: number; fn: number; support: number } {
    const tp = this.counts[i]![i]!;
    const support = this.counts[i]!.reduce((a, b) => a + b, 0);
    const predicted = this.counts.reduce((s, row) => s + row[i]!, 0);
    return { tp, fp: predicted - tp, fn: support - tp, support };
  }
}
