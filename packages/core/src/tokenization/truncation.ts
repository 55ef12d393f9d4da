import { TlError } from '../errors/tl-error.js';
import type { Side } from './tokenizer-config.js';
import type { TokenRun } from './special-tokens-template.js';

/** HF truncation strategies (`truncation=` in transformers). */
export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

export interface KeptLengths {
  readonly a: number;
  /** Undefined exactly when there is no second segment. */
  readonly b: number | undefined;
}

/**
 * How many tokens of each bare segment (special tokens excluded) survive truncation to `budget`
 * tokens, with the semantics of HF tokenizers' `truncate_encodings` (Rust), which fast tokenizers use:
 *
 * - `longest_first` with a pair: if the shorter segment fits in half or less, it is kept whole and
 *   the longer one gets the rest; otherwise both are cut, the budget split as floor/ceil halves with
 *   the odd token going to the longer segment (to the second one on a tie). Unlike the slow Python
 *   tokenizers, this is not a token-by-token loop, and the results differ for odd budgets.
 * - `only_first` / `only_second`: all removal comes from that segment; it must keep at least one
 *   token, else HF raises (and so do we).
 * - A budget of 0 empties both segments whatever the strategy (HF's special case).
 *
 * `where` prefixes error messages (e.g. "input 3").
 */
export function keptLengths(
  lengthA: number,
  lengthB: number | undefined,
  budget: number,
  strategy: TruncationStrategy,
  where: string,
): KeptLengths {
  if (!Number.isInteger(budget) || budget < 0) {
    throw new TlError('INPUT', `${where}: truncation budget must be a non-negative integer, got ${budget}`);
  }
  if (budget === 0) return { a: 0, b: lengthB === undefined ? undefined : 0 };
  const total = lengthA + (lengthB ?? 0);
  if (total <= budget) return { a: lengthA, b: lengthB };

  if (strategy === 'longest_first') {
    if (lengthB === undefined) return { a: budget, b: undefined };
    const aIsLonger = lengthA > lengthB;
    const short = aIsLonger ? lengthB : lengthA;
    // Room left for the longer one once the shorter is kept whole (never less than the shorter's length,
    // which pushes the case where the shorter exceeds half the budget into the even split below).
    let keepShort = short;
    let keepLong = short > budget ? short : Math.max(short, budget - short);
    if (keepShort + keepLong > budget) {
      keepShort = Math.floor(budget / 2);
      keepLong = keepShort + (budget % 2);
    }
    return aIsLonger
      ? { a: Math.min(lengthA, keepLong), b: Math.min(lengthB, keepShort) }
      : { a: Math.min(lengthA, keepShort), b: Math.min(lengthB, keepLong) };
  }

  const excess = total - budget;
  if (strategy === 'only_second' && lengthB === undefined) {
    throw new TlError('INPUT', `${where}: truncation 'only_second' needs a text pair, and this input has none`);
  }
  const target = strategy === 'only_first' ? lengthA : lengthB!;
  if (target <= excess) {
    throw new TlError(
      'INPUT',
      `${where}: cannot truncate with '${strategy}': ${excess} tokens over the budget of ${budget}, ` +
        `but the ${strategy === 'only_first' ? 'first' : 'second'} segment has only ${target}`,
    );
  }
  return strategy === 'only_first' ? { a: target - excess, b: lengthB } : { a: lengthA, b: target - excess };
}

/** Keeps `length` tokens of a run: the first ones (`right` truncation) or the last ones (`left`). */
export function truncateRun(run: TokenRun, length: number, side: Side): TokenRun {
  if (length >= run.ids.length) return run;
  const [from, to] = side === 'right' ? [0, length] : [run.ids.length - length, run.ids.length];
  return { ids: run.ids.slice(from, to), tokens: run.tokens.slice(from, to) };
}
