import { describe, expect, it } from 'vitest';
import { hScore } from '../../src/transfer/scores/h-score.js';
import { kendallTau } from '../../src/transfer/scores/kendall-tau.js';
import { knnAccuracy } from '../../src/transfer/scores/knn-accuracy.js';
import { leep } from '../../src/transfer/scores/leep.js';
import { logMe } from '../../src/transfer/scores/logme.js';
import { SeededRandom } from '../../src/data/random/seeded-random.js';

/** 12 × 3 features and 3 classes; the reference values below were computed with numpy/scipy. */
const F = [
  [0.126, -0.132, 0.64], [0.105, -0.536, 0.362], [1.304, 0.947, -0.704], [-1.265, -0.623, 0.041],
  [-2.325, -0.219, -1.246], [-0.732, -0.544, -0.316], [0.412, 1.043, -0.129], [1.366, -0.665, 0.352],
  [0.903, 0.094, -0.743], [-0.922, -0.458, 0.22], [-1.01, -0.209, -0.159], [0.541, 0.215, 0.355],
];
const Y = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 1];

/** Gaussian noise by Box–Muller from the project's seeded generator. */
function gaussian(rng: SeededRandom): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** n examples of c classes; features = scaled one-hot label (+ noise), or pure noise. */
function synthetic(n: number, c: number, d: number, signal: number, seed: number) {
  const rng = new SeededRandom(seed);
  const labels = Array.from({ length: n }, (_, i) => i % c);
  const features = labels.map((y) => Array.from({ length: d }, (_, j) => (j === y ? signal : 0) + gaussian(rng)));
  return { features, labels };
}

describe('LogME', () => {
  it('matches a numpy implementation of the fixed point (whose evidence equals the Gaussian marginal likelihood to 1e-5)', () => {
    // numpy: per class -0.869659, -0.981215, -0.716286; mean -0.855719913906689
    expect(logMe(F, Y)).toBeCloseTo(-0.855719913906689, 8);
  });

  it('ranks features that carry the labels above random features', () => {
    const informative = synthetic(300, 3, 8, 3, 1);
    const random = synthetic(300, 3, 8, 0, 1);
    const weak = synthetic(300, 3, 8, 1, 1);
    const [a, b, c] = [logMe(informative.features, informative.labels), logMe(weak.features, weak.labels), logMe(random.features, random.labels)];
    expect(a).toBeGreaterThan(b);
    expect(b).toBeGreaterThan(c);
  });

  it('refuses mismatched inputs with a message naming the score', () => {
    expect(() => logMe([[1], [2]], [0])).toThrow(/LogME: 2 feature rows but 1 labels/);
    expect(() => logMe([[1], [NaN]], [0, 1])).toThrow(/non-finite/);
  });
});

describe('H-score', () => {
  it('tr(cov(f)⁻¹ cov(E[f|y])) by hand: f = 1,3,5,7 with classes 0,0,1,1 gives 4/5', () => {
    // centred f: -3,-1,1,3 (variance 5); class means -2,2 (variance 4).
    expect(hScore([[1], [3], [5], [7]], [0, 0, 1, 1])).toBeCloseTo(0.8, 12);
  });

  it('matches numpy (pinv) on the 12 × 3 example and is 0 for features that ignore the labels', () => {
    expect(hScore(F, Y)).toBeCloseTo(0.7763970330723085, 10);
    // Every class has the same mean: no between-class variance.
    expect(hScore([[1, 0], [-1, 0], [1, 0], [-1, 0]], [0, 0, 1, 1])).toBeCloseTo(0, 12);
  });

  it('handles singular covariance (more dimensions than examples) by pseudo-inverse', () => {
    const value = hScore([[1, 2, 0], [2, 4, 0], [3, 6, 0]], [0, 0, 1]);
    expect(Number.isFinite(value)).toBe(true);
  });
});

describe('LEEP', () => {
  it('on a tiny joint distribution computed by hand', () => {
    // P(y,z) = [[.425,.075],[.125,.375]], P(z) = [.55,.45]; per-example likelihoods .712121, .651515, .651515, .712121.
    const theta = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8]];
    const expected = (2 * Math.log(0.425 / 0.55 * 0.9 + 0.075 / 0.45 * 0.1) + 2 * Math.log(0.425 / 0.55 * 0.8 + 0.075 / 0.45 * 0.2)) / 4;
    expect(leep(theta, [0, 0, 1, 1])).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(-0.383981, 5);
  });

  it('an uninformative source head scores the label prior; an aligned one scores near 0', () => {
    expect(leep([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], [0, 1, 0, 1])).toBeCloseTo(Math.log(0.5), 12);
    expect(leep([[1, 0], [0, 1], [1, 0], [0, 1]], [0, 1, 0, 1])).toBeCloseTo(0, 12);
  });

  it('refuses logits in place of probabilities', () => {
    expect(() => leep([[2, 1], [0.3, 0.1]], [0, 1])).toThrow(/softmax/);
  });
});

describe('kNN accuracy (leave-one-out, cosine)', () => {
  it('is 1 on well-separated classes and near chance on noise', () => {
    const informative = synthetic(120, 3, 6, 6, 2);
    const random = synthetic(300, 3, 6, 0, 2);
    expect(knnAccuracy(informative.features, informative.labels)).toBe(1);
    expect(Math.abs(knnAccuracy(random.features, random.labels) - 1 / 3)).toBeLessThan(0.1);
  });

  it('leaves the example itself out: two identical points of different classes are each misclassified with k = 1', () => {
    expect(knnAccuracy([[1, 0], [1, 0], [0, 1], [0, 1]], [0, 1, 0, 1], { k: 1 })).toBe(0);
  });
});

describe('Kendall τ-b', () => {
  it('matches scipy.stats.kendalltau, with ties', () => {
    expect(kendallTau([0.9, 0.7, 0.8, 0.5, 0.5], [3, 1, 2, 0, 1])).toBeCloseTo(0.8888888888888888, 12);
    expect(kendallTau([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(kendallTau([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});
