import { TlError } from '../../errors/tl-error.js';
import { featureMatrix, numClasses, type FeatureRows } from './score-inputs.js';

export interface KnnOptions {
  /** Neighbours that vote (default 5). */
  readonly k?: number;
}

/**
 * Leave-one-out k-nearest-neighbour accuracy on frozen features, by cosine similarity: each example
 * is classified by the majority label of its k most similar other examples (a tie goes to the class
 * whose voters are closer in total). A direct, assumption-light probe of how well the features
 * separate the target classes.
 */
export function knnAccuracy(features: FeatureRows, labels: readonly number[], options: KnnOptions = {}): number {
  const f = featureMatrix(features, labels, 'kNN');
  const classes = numClasses(labels, 'kNN');
  const n = f.rows;
  const k = options.k ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new TlError('CONFIG', `kNN: k must be an integer >= 1, got ${k}`);
  if (n < 2) throw new TlError('INPUT', 'kNN: leave-one-out needs at least 2 examples');
  for (let i = 0; i < n; i++) {
    const row = f.getRow(i);
    const length = Math.hypot(...row) || 1;
    for (let j = 0; j < f.columns; j++) f.set(i, j, row[j]! / length);
  }
  const sim = f.mmulByTranspose().to2DArray(); // cosine similarities, n × n
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const neighbours = [...sim[i]!.keys()].filter((j) => j !== i).sort((a, b) => sim[i]![b]! - sim[i]![a]! || a - b).slice(0, k);
    const votes = new Float64Array(classes);
    const closeness = new Float64Array(classes);
    for (const j of neighbours) {
      votes[labels[j]!]! += 1;
      closeness[labels[j]!]! += sim[i]![j]!;
    }
    let best = 0;
    for (let c = 1; c < classes; c++) if (votes[c]! > votes[best]! || (votes[c] === votes[best] && closeness[c]! > closeness[best]!)) best = c;
    if (best === labels[i]) correct += 1;
  }
  return correct / n;
}
