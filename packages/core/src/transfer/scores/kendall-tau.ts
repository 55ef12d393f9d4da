import { TlError } from '../../errors/tl-error.js';

/**
 * Kendall's τ-b between two scorings of the same items: +1 when they rank every pair alike, −1 when
 * opposite; ties in either scoring are corrected for (τ-b, as scipy.stats.kendalltau's default).
 * NaN when either scoring is constant. Used to check a transferability score against the accuracies
 * that fine-tuning actually reached.
 */
export function kendallTau(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new TlError('INPUT', `Kendall τ: ${a.length} and ${b.length} values`);
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const da = Math.sign(a[i]! - a[j]!);
      const db = Math.sign(b[i]! - b[j]!);
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesA += 1;
      else if (db === 0) tiesB += 1;
      else if (da === db) concordant += 1;
      else discordant += 1;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesA) * (concordant + discordant + tiesB));
  return denominator === 0 ? NaN : (concordant - discordant) / denominator;
}
