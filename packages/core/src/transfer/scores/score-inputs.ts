import { Matrix } from 'ml-matrix';
import { TlError } from '../../errors/tl-error.js';

/** Feature vectors, one row per example (e.g. frozen-encoder embeddings). */
export type FeatureRows = ReadonlyArray<ArrayLike<number>>;

/** Checks features against labels and returns them as a float64 matrix (n × d). */
export function featureMatrix(features: FeatureRows, labels: readonly number[], score: string): Matrix {
  if (features.length === 0) throw new TlError('INPUT', `${score}: no examples`);
  if (features.length !== labels.length) throw new TlError('INPUT', `${score}: ${features.length} feature rows but ${labels.length} labels`);
  const d = features[0]!.length;
  if (d === 0) throw new TlError('INPUT', `${score}: features have no dimensions`);
  const m = new Matrix(features.length, d);
  features.forEach((row, i) => {
    if (row.length !== d) throw new TlError('INPUT', `${score}: feature row ${i} has ${row.length} values, row 0 has ${d}`);
    for (let j = 0; j < d; j++) {
      const v = row[j]!;
      if (!Number.isFinite(v)) throw new TlError('INPUT', `${score}: feature row ${i} has a non-finite value at ${j}`);
      m.set(i, j, v);
    }
  });
  return m;
}

/** Labels as class indices 0..k-1; returns k (the largest label + 1). */
export function numClasses(labels: readonly number[], score: string): number {
  let k = 0;
  labels.forEach((y, i) => {
    if (!Number.isInteger(y) || y < 0) throw new TlError('INPUT', `${score}: label ${i} is ${y}, expected a class index >= 0`);
    k = Math.max(k, y + 1);
  });
  return k;
}
