/**
 * What a transfer bought, from accuracies measured at several label budgets: the pure arithmetic
 * behind `tl transfer`'s scores, kept apart from the training so it can be checked by hand.
 */

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n < 2 ? 0 : Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { mean, std };
}

/** Gain in accuracy points (0–100 scale) of `transferred` over `scratch` (both fractions in [0, 1]). */
export function gainPoints(transferred: number, scratch: number): number {
  return 100 * (transferred - scratch);
}

/**
 * Relative error reduction: the share of scratch's errors the transfer removed,
 * (err_scratch − err_transferred) / err_scratch. Negative when transfer hurt; null when scratch made no error.
 */
export function relativeErrorReduction(transferred: number, scratch: number): number | null {
  const scratchError = 1 - scratch;
  if (scratchError <= 0) return null;
  return (scratchError - (1 - transferred)) / scratchError;
}

/** One point of a learning curve: a label budget (fraction of the target training set) and the mean accuracy there. */
export interface CurvePoint {
  readonly budget: number;
  readonly accuracy: number;
}

/** Data efficiency: how little of the target labels the transferred model needed. */
export interface DataEfficiency {
  /** The accuracy to match: scratch trained at the largest budget measured. */
  readonly target: number;
  /** The budget at which scratch reached it (1 when the full training set was measured). */
  readonly referenceBudget: number;
  /**
   * The fraction of the target labels the transferred model needs to match it, interpolated linearly
   * between measured budgets; null when no measured budget reaches it.
   */
  readonly fraction: number | null;
  /** True when even the smallest budget measured already matched it: `fraction` is then an upper bound. */
  readonly atMost: boolean;
}

/**
 * The fraction of the target training labels the transferred model needs to match scratch trained on
 * all of them (the largest budget measured): the first crossing of its learning curve with scratch's
 * final accuracy, interpolated linearly between the two budgets around it.
 */
export function dataEfficiency(transferred: readonly CurvePoint[], scratch: readonly CurvePoint[]): DataEfficiency {
  if (scratch.length === 0 || transferred.length === 0) throw new RangeError('dataEfficiency needs both learning curves');
  const ref = [...scratch].sort((a, b) => a.budget - b.budget).at(-1)!;
  const curve = [...transferred].sort((a, b) => a.budget - b.budget);
  if (curve[0]!.accuracy >= ref.accuracy) return { target: ref.accuracy, referenceBudget: ref.budget, fraction: curve[0]!.budget, atMost: true };
  for (let i = 1; i < curve.length; i++) {
    const lo = curve[i - 1]!;
    const hi = curve[i]!;
    if (hi.accuracy >= ref.accuracy) {
      const t = (ref.accuracy - lo.accuracy) / (hi.accuracy - lo.accuracy);
      return { target: ref.accuracy, referenceBudget: ref.budget, fraction: lo.budget + t * (hi.budget - lo.budget), atMost: false };
    }
  }
  return { target: ref.accuracy, referenceBudget: ref.budget, fraction: null, atMost: false };
}
