import { TlError } from '../../errors/tl-error.js';
import type { LrLambda } from './lr-lambdas.js';

export interface LrSchedulerState {
  /** Optimizer steps taken so far (torch LambdaLR's `last_epoch`). */
  readonly step: number;
}

/**
 * torch's `LambdaLR` reduced to what the Trainer needs: it starts at step 0, the optimizer step
 * uses `lrs()`, then `step()` advances. Per-group lrs are base lr × lambda(step) × lrScale, with the
 * scale read each step so strategies may change it (discriminative and layer-wise rates).
 */
export class LrScheduler {
  private current = 0;
  constructor(
    private readonly lambda: LrLambda,
    readonly baseLr: number,
  ) {}

  get step(): number {
    return this.current;
  }

  /** The multiplier for the coming optimizer step. */
  factor(): number {
    return this.lambda(this.current);
  }

  /** The learning rate of each group for the coming optimizer step. */
  lrs(lrScales: readonly number[]): number[] {
    const lr = this.baseLr * this.factor();
    return lrScales.map((s) => lr * s);
  }

  advance(): void {
    this.current += 1;
  }

  stateDict(): LrSchedulerState {
    return { step: this.current };
  }

  loadStateDict(state: LrSchedulerState): void {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new TlError('CHECKPOINT', `scheduler state: step must be an integer >= 0, got ${String(state.step)}`);
    }
    this.current = state.step;
  }
}
