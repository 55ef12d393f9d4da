import { Callback, type StepContext } from '../callback.js';

/** The learning rate of every parameter group at one optimizer step. */
export interface LearningRateRecord {
  readonly step: number;
  /** Group name → the lr it used for this step. */
  readonly lrs: Readonly<Record<string, number>>;
}

/**
 * Records the learning rate each parameter group used at each step (Lightning's
 * `LearningRateMonitor`): useful to check warmup, decay and per-layer rates (LLRD) at a glance.
 * Records are kept in `history` and passed to `onRecord` when given (e.g. to print or log them).
 */
export class LearningRateMonitor extends Callback {
  readonly name = 'lr-monitor';
  readonly history: LearningRateRecord[] = [];

  constructor(private readonly options: { onRecord?: (record: LearningRateRecord) => void; everyNSteps?: number } = {}) {
    super();
  }

  override onStepEnd(ctx: StepContext): void {
    if (ctx.state.step % (this.options.everyNSteps ?? 1) !== 0 || !ctx.learningRates) return;
    const groups = ctx.trainer.parameterGroups;
    const lrs: Record<string, number> = {};
    ctx.learningRates.forEach((lr, i) => (lrs[groups[i]?.name ?? `group_${i}`] = lr));
    const record = { step: ctx.state.step, lrs };
    this.history.push(record);
    this.options.onRecord?.(record);
  }
}
