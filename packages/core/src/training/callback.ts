import type * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../model/model.js';
import type { ParameterGroup } from '../transfer/transfer-strategy.js';

/** What a callback may ask of the loop; checked by the Trainer after each hook. */
export interface TrainerControl {
  /** Finish after the current step (evaluation and checkpoint callbacks still see train end). */
  stop(reason?: string): void;
  /**
   * Discard this step: in `onStepStart` the step's batches are consumed without a forward pass; in
   * `onAfterBackward` / `onBeforeOptimizerStep` the gradients are dropped. Either way the parameters
   * and optimizer moments are untouched, while the step counter and the schedule still advance (as HF
   * does for a skipped AMP step), so step numbers stay aligned with the data order.
   */
  skipStep(reason?: string): void;
}

/** Counters every hook sees. */
export interface TrainerState {
  /** Optimizer steps completed (skipped steps included). */
  readonly step: number;
  /**
   * Epochs completed as a fraction, as HF's `state.epoch`: exactly `e` in `onEpochStart` of epoch
   * index `e`, `e + batchesDone / batchesPerEpoch` after a step.
   */
  readonly epoch: number;
  readonly maxSteps: number;
  /** Mean (unscaled) loss of the last optimizer step's micro-batches. */
  readonly lastLoss?: number;
  /** Best value so far of `args.metricForBestModel`. */
  readonly bestMetric?: number;
  /** The step at which `bestMetric` was reached. */
  readonly bestStep?: number;
}

/** What a callback may use of the Trainer besides the model (Lightning passes the trainer itself). */
export interface TrainerHandle {
  /** `args.outputDir`: where checkpoints and logs go by default. */
  readonly outputDir: string;
  /** The parameter groups of the run, as strategies last left them (names, lr scales, frozen flags). */
  readonly parameterGroups: readonly ParameterGroup[];
  /** Writes a complete checkpoint into `dir` atomically (temp folder, then rename); returns `dir`. */
  saveCheckpoint(dir: string): Promise<string>;
}

export interface HookContext {
  readonly model: Model;
  readonly state: TrainerState;
  readonly control: TrainerControl;
  readonly trainer: TrainerHandle;
}

export interface StepContext extends HookContext {
  /** Mean (unscaled) loss over the step's micro-batches; NaN for a step skipped before its forward. */
  readonly loss?: number;
  /** Learning rate each parameter group used for this step, in group order. */
  readonly learningRates?: readonly number[];
  /** Global gradient L2 norm before clipping (torch `clip_grad_norm_`'s return value). */
  readonly gradNorm?: number;
  /** True when the step was skipped (a callback asked, or a NaN under `nanPolicy: 'skip'`). */
  readonly skipped?: boolean;
}

export interface GradientContext extends HookContext {
  /** Gradients by parameter name, valid only during the hook (the Trainer disposes them). */
  readonly gradients: ReadonlyMap<string, tf.Tensor>;
  readonly loss: number;
  /** Global L2 norm of the step's gradients before clipping (what torch's `clip_grad_norm_` returns). */
  readonly gradNorm: number;
}

export interface EvaluationContext extends HookContext {
  /** HF-style names: `eval_loss`, `eval_accuracy`, `eval_f1_macro`, ... */
  readonly metrics: Readonly<Record<string, number>>;
}

export interface CheckpointContext extends HookContext {
  readonly dir: string;
}

/**
 * Base class for callbacks, as in PyTorch Lightning: every hook is a no-op that subclasses override.
 * Callbacks carry their own state so they survive a checkpoint (`stateDict` / `loadStateDict`).
 * Hooks run in registration order and are awaited one after another.
 */
export abstract class Callback {
  /** Stable key under which this callback's state is saved in a checkpoint. */
  abstract readonly name: string;
  /** Before the first step, after strategies have prepared the model (and after a resume's load). */
  onTrainStart(_ctx: HookContext): void | Promise<void> {}
  /** After the last step (normal end, stop requested, or max steps). */
  onTrainEnd(_ctx: HookContext): void | Promise<void> {}
  /** Before the first batch of an epoch. */
  onEpochStart(_ctx: HookContext): void | Promise<void> {}
  /** After the last batch of an epoch (and its evaluation, if any). */
  onEpochEnd(_ctx: HookContext): void | Promise<void> {}
  /** Before the forward pass of an optimizer step. */
  onStepStart(_ctx: HookContext): void | Promise<void> {}
  /** After backward: gradients are visible, not yet clipped. */
  onAfterBackward(_ctx: GradientContext): void | Promise<void> {}
  /** After clipping, right before the optimizer applies the gradients. */
  onBeforeOptimizerStep(_ctx: GradientContext): void | Promise<void> {}
  /**
   * After the optimizer step, the scheduler update and the evaluation due at this step (if any): the
   * Trainer's state is complete here, so a checkpoint written now resumes exactly.
   */
  onStepEnd(_ctx: StepContext): void | Promise<void> {}
  /** After an evaluation pass, with its metrics. */
  onEvaluate(_ctx: EvaluationContext): void | Promise<void> {}
  /** After a checkpoint has been written completely. */
  onSave(_ctx: CheckpointContext): void | Promise<void> {}
  /** After a checkpoint has been loaded for resume. */
  onLoad(_ctx: CheckpointContext): void | Promise<void> {}
  stateDict(): Record<string, unknown> {
    return {};
  }
  loadStateDict(_state: Record<string, unknown>): void {}
}
