import { TlError } from '../../../errors/tl-error.js';
import type { SeededRandom } from '../../random/seeded-random.js';

/** Label of positions that do not count in the masked-LM loss (torch's `ignore_index`). */
export const IGNORE_INDEX = -100;

export interface MaskingOptions {
  /** Fraction of (non-special) tokens to predict; BERT: 0.15. */
  readonly mlmProbability: number;
  /** Of the tokens to predict: fraction replaced by the mask token (BERT 0.8) ... */
  readonly maskReplaceProbability: number;
  /** ... and fraction replaced by a random token (BERT 0.1); the rest keep their token. */
  readonly randomReplaceProbability: number;
  readonly maskTokenId: number;
  /** Token ids a random replacement draws from (the vocabulary less the special tokens). */
  readonly randomTokenIds: readonly number[];
}

/** One sequence after masking: model inputs and the labels (original id where predicted, -100 elsewhere). */
export interface MaskedSequence {
  readonly inputIds: number[];
  readonly labels: number[];
}

export function checkMaskingOptions(o: MaskingOptions): void {
  const p = (name: string, v: number) => {
    if (!(v >= 0 && v <= 1)) throw new TlError('CONFIG', `masked LM: ${name} must be within [0, 1], got ${v}`);
  };
  p('mlmProbability', o.mlmProbability);
  p('maskReplaceProbability', o.maskReplaceProbability);
  p('randomReplaceProbability', o.randomReplaceProbability);
  if (o.maskReplaceProbability + o.randomReplaceProbability > 1 + 1e-12) {
    throw new TlError('CONFIG', `masked LM: mask (${o.maskReplaceProbability}) + random (${o.randomReplaceProbability}) replacement exceed 1`);
  }
  if (o.randomReplaceProbability > 0 && o.randomTokenIds.length === 0) {
    throw new TlError('CONFIG', 'masked LM: random replacement needs at least one non-special token id');
  }
}

/**
 * Chooses the positions to predict. Token-level (HF `DataCollatorForLanguageModeling`): each
 * non-special token independently with probability p. Whole-word (HF `DataCollatorForWholeWordMask`,
 * after Google's BERT `create_pretraining_data.py`): words in random order are taken whole while
 * their tokens fit in round(p × tokens), at least one token; a word never gets split.
 */
export function choosePositions(special: readonly boolean[], words: readonly number[] | undefined, p: number, rng: SeededRandom): boolean[] {
  const chosen = special.map(() => false);
  if (!words) {
    for (let i = 0; i < special.length; i++) if (!special[i] && rng.next() < p) chosen[i] = true;
    return chosen;
  }
  const byWord = new Map<number, number[]>();
  words.forEach((w, i) => {
    if (w < 0 || special[i]) return;
    const positions = byWord.get(w);
    if (positions) positions.push(i);
    else byWord.set(w, [i]);
  });
  const candidates = rng.shuffle([...byWord.values()]);
  const tokens = candidates.reduce((n, c) => n + c.length, 0);
  if (tokens === 0) return chosen;
  const budget = Math.max(1, Math.round(tokens * p));
  let covered = 0;
  for (const positions of candidates) {
    if (covered >= budget) break;
    if (covered + positions.length > budget) continue;
    for (const i of positions) chosen[i] = true;
    covered += positions.length;
  }
  return chosen;
}

/**
 * BERT's corruption of the chosen positions: the mask token with probability `maskReplace`, a random
 * token with `randomReplace`, the original token otherwise; every chosen position is a label.
 */
export function maskSequence(ids: readonly number[], chosen: readonly boolean[], o: MaskingOptions, rng: SeededRandom): MaskedSequence {
  const inputIds = [...ids];
  const labels = ids.map(() => IGNORE_INDEX);
  for (let i = 0; i < ids.length; i++) {
    if (!chosen[i]) continue;
    labels[i] = ids[i]!;
    const u = rng.next();
    if (u < o.maskReplaceProbability) inputIds[i] = o.maskTokenId;
    else if (u < o.maskReplaceProbability + o.randomReplaceProbability) inputIds[i] = o.randomTokenIds[rng.int(o.randomTokenIds.length)]!;
  }
  return { inputIds, labels };
}
