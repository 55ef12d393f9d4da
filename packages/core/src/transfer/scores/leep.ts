import { TlError } from '../../errors/tl-error.js';
import { numClasses } from './score-inputs.js';

/**
 * LEEP (Nguyen et al., ICML 2020, "LEEP: A New Measure to Evaluate Transferability of Learned
 * Representations"): the average log-likelihood of the target labels under the "expected empirical
 * predictor" built from a source classifier. With θ(xᵢ) the source model's label distribution on
 * example i, the empirical joint is P̂(y, z) = 1/n Σ_{i: yᵢ=y} θ(xᵢ)_z, the conditional
 * P̂(y | z) = P̂(y, z) / P̂(z), and LEEP = 1/n Σᵢ log Σ_z P̂(yᵢ | z) θ(xᵢ)_z. Always ≤ 0; higher =
 * the source head's classes map onto the target's better.
 */
export function leep(sourceProbabilities: ReadonlyArray<ArrayLike<number>>, labels: readonly number[]): number {
  const n = sourceProbabilities.length;
  if (n === 0) throw new TlError('INPUT', 'LEEP: no examples');
  if (n !== labels.length) throw new TlError('INPUT', `LEEP: ${n} source distributions but ${labels.length} labels`);
  const z = sourceProbabilities[0]!.length;
  const k = numClasses(labels, 'LEEP');
  const joint = Array.from({ length: k }, () => new Float64Array(z));
  sourceProbabilities.forEach((p, i) => {
    if (p.length !== z) throw new TlError('INPUT', `LEEP: source distribution ${i} has ${p.length} classes, row 0 has ${z}`);
    let sum = 0;
    for (let j = 0; j < z; j++) {
      if (!(p[j]! >= 0)) throw new TlError('INPUT', `LEEP: source distribution ${i} has a negative or NaN probability`);
      sum += p[j]!;
    }
    if (Math.abs(sum - 1) > 1e-4) throw new TlError('INPUT', `LEEP: source distribution ${i} sums to ${sum}, not 1 (pass softmax probabilities, not logits)`);
    for (let j = 0; j < z; j++) joint[labels[i]!]![j]! += p[j]! / n;
  });
  const marginal = new Float64Array(z);
  for (const row of joint) for (let j = 0; j < z; j++) marginal[j]! += row[j]!;
  let total = 0;
  sourceProbabilities.forEach((p, i) => {
    const row = joint[labels[i]!]!;
    let likelihood = 0;
    for (let j = 0; j < z; j++) if (marginal[j]! > 0) likelihood += (row[j]! / marginal[j]!) * p[j]!;
    total += Math.log(likelihood);
  });
  return total / n;
}
