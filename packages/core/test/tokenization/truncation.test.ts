import { describe, expect, it } from 'vitest';
import { keptLengths, truncateRun } from '../../src/tokenization/truncation.js';
import { TlError } from '../../src/errors/tl-error.js';

// Expected values are worked out by hand from HF tokenizers' truncate_encodings (Rust), which fast
// tokenizers use: keep the shorter segment whole if it leaves the longer one at least as many tokens;
// otherwise split the budget floor/ceil, the odd token going to the longer segment (the second on a tie).
describe('keptLengths longest_first', () => {
  it.each([
    // [lenA, lenB, budget, keptA, keptB, why]
    [3, 4, 10, 3, 4, 'fits: untouched'],
    [2, 20, 10, 2, 8, 'first short: second takes the rest'],
    [20, 2, 10, 8, 2, 'second short: first takes the rest'],
    [5, 20, 10, 5, 5, 'shorter exactly half: kept whole'],
    [6, 20, 10, 5, 5, 'shorter just over half: even split'],
    [20, 20, 10, 5, 5, 'both long, even budget'],
    [20, 20, 9, 4, 5, 'both long, odd budget, tie: the odd token goes to the second'],
    [30, 20, 9, 5, 4, 'both long, odd budget: the odd token goes to the longer first'],
    [20, 30, 9, 4, 5, 'both long, odd budget: the odd token goes to the longer second'],
    [4, 6, 7, 3, 4, 'both over half of 7'],
    [10, 7, 9, 5, 4, 'shorter 7 > 9 - 7: split, longer first gets ceil'],
    [12, 11, 5, 3, 2, 'shorter exceeds the whole budget'],
    [0, 9, 7, 0, 7, 'empty first'],
    [9, 0, 7, 7, 0, 'empty second'],
    [1, 1, 1, 0, 1, 'budget 1, tie: all to the second'],
    [5, 5, 0, 0, 0, 'budget 0 empties both'],
  ])('(%i, %i) in %i → (%i, %i): %s', (a, b, budget, keptA, keptB) => {
    expect(keptLengths(a, b, budget, 'longest_first', 'test')).toEqual({ a: keptA, b: keptB });
  });

  it('cuts a single text to the budget', () => {
    expect(keptLengths(30, undefined, 12, 'longest_first', 'test')).toEqual({ a: 12, b: undefined });
    expect(keptLengths(5, undefined, 12, 'longest_first', 'test')).toEqual({ a: 5, b: undefined });
  });

  it('agrees with the table in tokenizers\' own test (max_length 7; lengths 0, 2, 4, 8)', () => {
    const lengths = [0, 2, 4, 8];
    const expected = [
      [[0, 0], [0, 2], [0, 4], [0, 7]],
      [[2, 0], [2, 2], [2, 4], [2, 5]],
      [[4, 0], [4, 2], [3, 4], [3, 4]],
      [[7, 0], [5, 2], [4, 3], [3, 4]],
    ];
    lengths.forEach((a, i) =>
      lengths.forEach((b, j) => {
        const [ka, kb] = expected[i]![j]!;
        expect(keptLengths(a, b, 7, 'longest_first', 'test')).toEqual({ a: ka, b: kb });
      }),
    );
  });
});

describe('keptLengths only_first / only_second', () => {
  it('takes everything from the named segment', () => {
    expect(keptLengths(10, 4, 8, 'only_first', 'test')).toEqual({ a: 4, b: 4 });
    expect(keptLengths(4, 10, 8, 'only_second', 'test')).toEqual({ a: 4, b: 4 });
    expect(keptLengths(10, undefined, 8, 'only_first', 'test')).toEqual({ a: 8, b: undefined });
  });

  it('refuses when the named segment would lose every token', () => {
    expect(() => keptLengths(3, 10, 8, 'only_first', 'input 2')).toThrow(/input 2: cannot truncate with 'only_first': 5 tokens over the budget of 8, but the first segment has only 3/);
    expect(() => keptLengths(5, 8, 8, 'only_first', 'x')).toThrow(TlError);
    expect(() => keptLengths(10, 2, 8, 'only_second', 'x')).toThrow(/second segment has only 2/);
  });

  it('refuses only_second without a pair', () => {
    expect(() => keptLengths(10, undefined, 8, 'only_second', 'input 0')).toThrow(/input 0: truncation 'only_second' needs a text pair/);
  });

  it('rejects a negative budget', () => {
    expect(() => keptLengths(1, 1, -1, 'longest_first', 'x')).toThrow(/non-negative/);
  });
});

describe('truncateRun', () => {
  const run = { ids: [1, 2, 3, 4], tokens: ['a', 'b', 'c', 'd'] };
  it('keeps the head for right truncation and the tail for left', () => {
    expect(truncateRun(run, 2, 'right')).toEqual({ ids: [1, 2], tokens: ['a', 'b'] });
    expect(truncateRun(run, 2, 'left')).toEqual({ ids: [3, 4], tokens: ['c', 'd'] });
    expect(truncateRun(run, 0, 'left')).toEqual({ ids: [], tokens: [] });
    expect(truncateRun(run, 9, 'right')).toBe(run);
  });
});
