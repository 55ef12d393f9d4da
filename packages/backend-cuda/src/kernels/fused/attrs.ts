/** A numeric attribute that must be finite (tfjs passes attributes untyped). */
export function finiteNumber(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`attr ${name} must be a finite number, got ${String(v)}`);
  return v;
}
