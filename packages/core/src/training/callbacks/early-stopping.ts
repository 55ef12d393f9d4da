import { TlError } from '../../errors/tl-error.js';
import { Callback, type EvaluationContext } from '../callback.js';

export interface EarlyStoppingOptions {
  /** The metric to watch (default `eval_loss`). */
  readonly monitor?: string;
  /** Whether greater is better; default from the name (a name ending in "loss" is minimised). */
  readonly mode?: 'min' | 'max';
  /** Evaluations without improvement before stopping (HF `early_stopping_patience`, default 3). */
  readonly patience?: number;
  /** The least change that counts as an improvement (HF `early_stopping_threshold`, default 0). */
  readonly threshold?: number;
}

/**
 * Stops training when the monitored metric has not improved for `patience` evaluations, as HF's
 * `EarlyStoppingCallback`: a value improves when it is better than the best so far by more than
 * `threshold`. Its counters are part of checkpoints, so a resumed run stops where the original would.
 */
export class EarlyStopping extends Callback {
  readonly name = 'early-stopping';
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly patience: number;
  readonly threshold: number;
  private best: number | undefined;
  private bestStep: number | undefined;
  private wait = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    this.monitor = options.monitor ?? 'eval_loss';
    this.mode = options.mode ?? (this.monitor.endsWith('loss') ? 'min' : 'max');
    this.patience = options.patience ?? 3;
    this.threshold = options.threshold ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 1) throw new TlError('CONFIG', `early stopping: patience must be an integer >= 1, got ${this.patience}`);
    if (!(this.threshold >= 0)) throw new TlError('CONFIG', `early stopping: threshold must be >= 0, got ${this.threshold}`);
  }

  /** Evaluations since the last improvement. */
  get waitCount(): number {
    return this.wait;
  }

  get bestValue(): number | undefined {
    return this.best;
  }

  override onEvaluate(ctx: EvaluationContext): void {
    const value = ctx.metrics[this.monitor];
    if (value === undefined) {
      throw new TlError('CONFIG', `early stopping: metric "${this.monitor}" is not among the evaluation metrics (${Object.keys(ctx.metrics).join(', ')})`);
    }
    const better = this.best === undefined || (this.mode === 'max' ? value > this.best : value < this.best);
    if (better && (this.best === undefined || Math.abs(value - this.best) > this.threshold)) {
      this.best = value;
      this.bestStep = ctx.state.step;
      this.wait = 0;
      return;
    }
    this.wait += 1;
    if (this.wait >= this.patience) {
      ctx.control.stop(
        `early stopping: ${this.monitor} did not improve for ${this.wait} evaluations (best ${this.best} at step ${this.bestStep})`,
      );
    }
  }

  override stateDict(): Record<string, unknown> {
    return { best: this.best ?? null, bestStep: this.bestStep ?? null, wait: this.wait };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.best = typeof state.best === 'number' ? state.best : undefined;
    this.bestStep = typeof state.bestStep === 'number' ? state.bestStep : undefined;
    this.wait = typeof state.wait === 'number' ? state.wait : 0;
  }
}
