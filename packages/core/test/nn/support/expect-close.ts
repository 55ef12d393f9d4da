import { expect } from 'vitest';

/** Expects every element of every output within atol + rtol·|want| of `want`'s, naming output and index. */
export function expectEachClose(got: readonly Float32Array[], want: readonly Float32Array[], atol: number, rtol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((values, o) =>
    values.forEach((v, i) => expect(Math.abs(v - want[o]![i]!), `output ${o}[${i}]`).toBeLessThanOrEqual(atol + rtol * Math.abs(want[o]![i]!))),
  );
}
