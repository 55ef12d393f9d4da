import { join } from 'node:path';
import { TlError } from '../../errors/tl-error.js';
import { Callback, type HookContext, type StepContext } from '../callback.js';
import { deleteCheckpoint, listCheckpoints } from '../checkpoint/trainer-checkpoint.js';

export interface CheckpointingOptions {
  /** Save every N optimizer steps (HF `save_steps`). */
  readonly everyNSteps: number;
  /** Keep only the newest K checkpoints (HF `save_total_limit`); default: keep all. */
  readonly keepLast?: number;
  /** Where `checkpoint-N` folders go; default the Trainer's `outputDir`. */
  readonly dir?: string;
  /** Also save when training ends at a step not already saved (default true). */
  readonly saveOnTrainEnd?: boolean;
}

/**
 * Writes `checkpoint-<step>` folders (atomically, through the Trainer) every N steps and keeps the
 * newest K. It saves in `onStepEnd`, where the step, the scheduler, the data position and this
 * step's evaluation are all complete, so resuming from the folder repeats the run exactly.
 */
export class Checkpointing extends Callback {
  readonly name = 'checkpointing';
  private lastSaved: number | undefined;

  constructor(private readonly o: CheckpointingOptions) {
    super();
    if (!Number.isInteger(o.everyNSteps) || o.everyNSteps < 1) throw new TlError('CONFIG', `checkpointing: everyNSteps must be an integer >= 1, got ${o.everyNSteps}`);
    if (o.keepLast !== undefined && !(Number.isInteger(o.keepLast) && o.keepLast >= 1)) {
      throw new TlError('CONFIG', `checkpointing: keepLast must be an integer >= 1, got ${o.keepLast}`);
    }
  }

  override async onStepEnd(ctx: StepContext): Promise<void> {
    if (ctx.state.step % this.o.everyNSteps === 0) await this.save(ctx);
  }

  override async onTrainEnd(ctx: HookContext): Promise<void> {
    if ((this.o.saveOnTrainEnd ?? true) && ctx.state.step > 0 && this.lastSaved !== ctx.state.step) await this.save(ctx);
  }

  private async save(ctx: HookContext): Promise<void> {
    const root = this.o.dir ?? ctx.trainer.outputDir;
    // Record the step first so the saved state dict already says this step was saved.
    this.lastSaved = ctx.state.step;
    await ctx.trainer.saveCheckpoint(join(root, `checkpoint-${ctx.state.step}`));
    if (this.o.keepLast !== undefined) {
      const all = await listCheckpoints(root);
      for (const old of all.slice(0, Math.max(0, all.length - this.o.keepLast))) await deleteCheckpoint(old.dir);
    }
  }

  override stateDict(): Record<string, unknown> {
    return { lastSaved: this.lastSaved ?? null };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.lastSaved = typeof state.lastSaved === 'number' ? state.lastSaved : undefined;
  }
}
