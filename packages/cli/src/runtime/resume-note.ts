import { Callback, type CheckpointContext } from '@tl/core';

/**
 * Says on stderr which checkpoint a `--resume` run continues from and at which step, so a user (and
 * scripts/faults/kill-resume.mjs) can see that a resume picked the newest complete checkpoint.
 */
export class ResumeNote extends Callback {
  readonly name = 'resume-note';

  override onLoad(ctx: CheckpointContext): void {
    process.stderr.write(`tl: resuming from ${ctx.dir} at step ${ctx.state.step}\n`);
  }
}
