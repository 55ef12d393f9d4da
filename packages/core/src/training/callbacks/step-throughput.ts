import type { StepContext } from '../callback.js';

/** Extra fields for one metrics line, computed at the end of a step. */
export type StepFields = (ctx: StepContext) => Record<string, number>;

export interface StepThroughputOptions {
  /** Examples per optimizer step (batch size × gradient accumulation). */
  readonly samplesPerStep: number;
  /** Tokens per optimizer step, where it is fixed (packed blocks); omit to log samples/s only. */
  readonly tokensPerStep?: number;
  /** Clock in milliseconds (tests pass their own). */
  readonly now?: () => number;
}

/**
 * `samples_per_second` and `tokens_per_second` of each step, measured from the end of the previous
 * step (or the first step's end to the call before it), for `JsonlMetricsLogger`'s `fields`. The first
 * step includes start-up (kernel compilation, first allocation), as HF's first logged interval does.
 */
export function stepThroughput(o: StepThroughputOptions): StepFields {
  const now = o.now ?? (() => performance.now());
  let last = now();
  return () => {
    const t = now();
    const seconds = Math.max((t - last) / 1000, 1e-9);
    last = t;
    const round = (x: number) => Math.round(x * 100) / 100;
    return {
      samples_per_second: round(o.samplesPerStep / seconds),
      ...(o.tokensPerStep !== undefined && { tokens_per_second: round(o.tokensPerStep / seconds) }),
    };
  };
}
