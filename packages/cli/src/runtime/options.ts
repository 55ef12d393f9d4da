import { InvalidArgumentError } from 'commander';

/**
 * Digits only: `Number()` alone would take '' and '  ' as 0, and '0x10' or '1e3' as integers, so
 * `--seed ''` silently became seed 0.
 */
const DIGITS = /^\s*\d+\s*$/;

/** commander parser for flags that take a positive integer. */
export function positiveInt(value: string): number {
  const n = DIGITS.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

/** commander parser for flags that take an integer ≥ 0. */
export function nonNegativeInt(value: string): number {
  const n = DIGITS.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected an integer ≥ 0, got "${value}"`);
  return n;
}

/** commander parser for flags that take a number ≥ 0. */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got "${value}"`);
  return n;
}

/** commander parser for rates in [0, 1]. */
export function rate(value: string): number {
  const n = nonNegativeNumber(value);
  if (n > 1) throw new InvalidArgumentError(`expected a number within [0, 1], got "${value}"`);
  return n;
}
