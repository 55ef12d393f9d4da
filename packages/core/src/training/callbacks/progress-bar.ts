import cliProgress from 'cli-progress';
import { Callback, type HookContext, type StepContext } from '../callback.js';

export interface ProgressBarOptions {
  /** Where the bar is drawn (default stderr, so stdout stays clean for data). */
  readonly stream?: NodeJS.WriteStream;
  /** Default: only when both stdout and the stream are terminals (quiet in CI, pipes and logs). */
  readonly enabled?: boolean;
}

/** A terminal progress bar over optimizer steps with loss and learning rate (cli-progress). */
export class ProgressBar extends Callback {
  readonly name = 'progress-bar';
  private bar?: cliProgress.SingleBar;
  private readonly stream: NodeJS.WriteStream;
  private readonly enabled: boolean;

  constructor(options: ProgressBarOptions = {}) {
    super();
    this.stream = options.stream ?? process.stderr;
    this.enabled = options.enabled ?? (Boolean(process.stdout.isTTY) && Boolean(this.stream.isTTY));
  }

  override onTrainStart(ctx: HookContext): void {
    if (!this.enabled) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: 'step {value}/{total} |{bar}| {percentage}% | loss {loss} | lr {lr} | eta {eta_formatted}',
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(ctx.state.maxSteps, ctx.state.step, { loss: '-', lr: '-' });
  }

  override onStepEnd(ctx: StepContext): void {
    this.bar?.update(ctx.state.step, {
      loss: ctx.loss === undefined || Number.isNaN(ctx.loss) ? '-' : ctx.loss.toFixed(4),
      lr: ctx.learningRates?.[0]?.toExponential(2) ?? '-',
    });
  }

  override onTrainEnd(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
