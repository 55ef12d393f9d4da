import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { featureMatrix, numClasses, type FeatureRows } from './score-inputs.js';

export interface LogMeOptions {
  /** Fixed-point iterations per class at most (the paper: converges within a few). Default 11. */
  readonly maxIterations?: number;
  /** Stop when λ = α/β changes by less than this fraction. Default 0.01 (the paper's). */
  readonly tolerance?: number;
}

/**
 * LogME (You et al., ICML 2021, "LogME: Practical Assessment of Pre-trained Models for Transfer
 * Learning"): the log marginal evidence of a Bayesian linear model on frozen features, per example,
 * averaged over the one-hot label columns. Higher = the features explain the labels better.
 *
 * For each class column y: prior w ~ N(0, α⁻¹I), noise N(0, β⁻¹). With the eigen-decomposition
 * FᵀF = V diag(σ) Vᵀ, the evidence is maximised by the fixed point
 *   γ = Σ βσᵢ/(α+βσᵢ),  m = β (αI+βFᵀF)⁻¹ Fᵀy,  α ← γ/‖m‖²,  β ← (n−γ)/‖y−Fm‖²
 * and  L = d/2 log α + n/2 log β − ½ Σ log(α+βσᵢ) − β/2 ‖y−Fm‖² − α/2 ‖m‖² − n/2 log 2π.
 * One decomposition serves every class and iteration.
 */
export function logMe(features: FeatureRows, labels: readonly number[], options: LogMeOptions = {}): number {
  const f = featureMatrix(features, labels, 'LogME');
  const k = numClasses(labels, 'LogME');
  const [n, d] = [f.rows, f.columns];
  const evd = new EigenvalueDecomposition(f.transpose().mmul(f), { assumeSymmetric: true });
  const sigma = evd.realEigenvalues.map((s) => Math.max(s, 0));
  const v = evd.eigenvectorMatrix;
  const maxIterations = options.maxIterations ?? 11;
  const tolerance = options.tolerance ?? 0.01;

  let total = 0;
  for (let c = 0; c < k; c++) {
    const y = Matrix.columnVector(labels.map((l) => (l === c ? 1 : 0)));
    const projected = v.transpose().mmul(f.transpose().mmul(y)).to1DArray(); // Vᵀ Fᵀ y
    let alpha = 1;
    let beta = 1;
    let lambda = alpha / beta;
    let mNorm2 = 0;
    let residual2 = 0;
    for (let it = 0; it < maxIterations; it++) {
      const gamma = sigma.reduce((g, s) => g + (beta * s) / (alpha + beta * s), 0);
      const m = v.mmul(Matrix.columnVector(projected.map((p, i) => (beta * p) / (alpha + beta * sigma[i]!))));
      mNorm2 = m.to1DArray().reduce((a, x) => a + x * x, 0);
      const fit = f.mmul(m);
      residual2 = 0;
      for (let i = 0; i < n; i++) residual2 += (y.get(i, 0) - fit.get(i, 0)) ** 2;
      alpha = gamma / Math.max(mNorm2, 1e-300);
      beta = (n - gamma) / Math.max(residual2, 1e-300);
      const next = alpha / beta;
      const converged = Math.abs(next - lambda) / lambda < tolerance;
      lambda = next;
      if (converged) break;
    }
    const evidence =
      (d / 2) * Math.log(alpha) +
      (n / 2) * Math.log(beta) -
      0.5 * sigma.reduce((a, s) => a + Math.log(alpha + beta * s), 0) -
      (beta / 2) * residual2 -
      (alpha / 2) * mNorm2 -
      (n / 2) * Math.log(2 * Math.PI);
    total += evidence / n;
  }
  return total / k;
}
