import { Matrix, pseudoInverse } from 'ml-matrix';
import { featureMatrix, numClasses, type FeatureRows } from './score-inputs.js';

/**
 * H-score (Bao et al., ICIP 2019, "An Information-Theoretic Approach to Transferability in Task
 * Transfer Learning"): tr(cov(f)⁻¹ · cov(E[f | y])), how much of the features' variance lies between
 * the classes, whitened by their total covariance. Higher = more discriminative features. The
 * covariances are the 1/n (maximum-likelihood) ones; a singular cov(f) (more dimensions than
 * examples, constant features) is inverted by pseudo-inverse.
 */
export function hScore(features: FeatureRows, labels: readonly number[]): number {
  const f = featureMatrix(features, labels, 'H-score');
  const k = numClasses(labels, 'H-score');
  const [n, d] = [f.rows, f.columns];
  const centered = f.clone().subRowVector(f.mean('column'));
  const covF = centered.transpose().mmul(centered).div(n);
  // Each row replaced by its class mean (of the centred features): the between-class part.
  const sums = Matrix.zeros(k, d);
  const counts = new Array<number>(k).fill(0);
  labels.forEach((y, i) => {
    counts[y]! += 1;
    for (let j = 0; j < d; j++) sums.set(y, j, sums.get(y, j) + centered.get(i, j));
  });
  const g = new Matrix(n, d);
  labels.forEach((y, i) => {
    for (let j = 0; j < d; j++) g.set(i, j, sums.get(y, j) / counts[y]!);
  });
  const covG = g.transpose().mmul(g).div(n);
  return pseudoInverse(covF).mmul(covG).trace();
}
