import cliProgress from 'cli-progress';
import { Callback, type HookContext, type StepContext } from '../callback.js';

export interface ProgressOptions {
  /** Where the bar is drawn (default stderr, so stdout stays clean for data). */
  readonly stream?: NodeJS.WriteStream;
  /** Default: only when that stream is a terminal (quiet in CI, pipes and log files). */
  readonly enabled?: boolean;
}
/** The Trainer callback takes the same options. */
export type ProgressBarOptions = ProgressOptions;

/** A bar over a known number of items; `payload` fills the `{name}` fields of the format. */
export interface Progress {
  update(done: number, payload?: Readonly<Record<string, string>>): void;
  stop(): void;
}

/**
 * tl's one progress bar (cli-progress), used by the commands (`predict`, `evaluate`, `score`) and,
 * through the ProgressBar callback, by training: one TTY rule for all of them — drawn only when its
 * stream is a terminal, whatever stdout is (a bar on stderr does not mix into redirected output).
 */
export function progressBar(format: string, total: number, options: ProgressOptions & { readonly start?: number; readonly payload?: Readonly<Record<string, string>> } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (!(options.enabled ?? Boolean(stream.isTTY))) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar({ format, stream, hideCursor: true, etaBuffer: 20 }, cliProgress.Presets.shades_classic);
  bar.start(total, options.start ?? 0, options.payload);
  return { update: (done, payload) => bar.update(done, payload), stop: () => bar.stop() };
}

/** The commands' bar: `LABEL [====] done/total percent eta`. */
export function itemProgress(label: string, total: number, options: ProgressOptions = {}): Progress {
  return progressBar(`${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, total, options);
}

/** A terminal progress bar over optimizer steps with loss and learning rate. */
export class ProgressBar extends Callback {
  readonly name = 'progress-bar';
  private bar?: Progress;

  constructor(private readonly options: ProgressBarOptions = {}) {
    super();
  }

  override onTrainStart(ctx: HookContext): void {
    this.bar = progressBar('step {value}/{total} |{bar}| {percentage}% | loss {loss} | lr {lr} | eta {eta_formatted}', ctx.state.maxSteps, {
      ...this.options,
      start: ctx.state.step,
      payload: { loss: '-', lr: '-' },
    });
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
