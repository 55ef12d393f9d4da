import type * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../model/model.js';

/** What a callback may ask of the loop; checked by the Trainer after each hook. */
export interface TrainerControl {
  /** Finish after the current step (evaluation and checkpoint callbacks still see train end). */
  stop(reason?: string): void;
  /** Discard this step's gradients (valid in afterBackward / beforeOptimizerStep). */
  skipStep(reason?: string): void;
}

/** Counters every hook sees. */
export interface TrainerState {
  readonly step: number; // optimizer steps completed
  readonly epoch: number;
  readonly maxSteps: number;
  readonly lastLoss?: number;
  readonly bestMetric?: number;
}

export interface HookContext {
  readonly model: Model;
  readonly state: TrainerState;
  readonly control: TrainerControl;
}

export interface StepContext extends HookContext {
  readonly loss?: number;
  readonly learningRates?: readonly number[];
}

export interface GradientContext extends HookContext {
  /** Gradients by parameter name, valid only during the hook (the Trainer disposes them). */
  readonly gradients: ReadonlyMap<string, tf.Tensor>;
  readonly loss: number;
}

export interface EvaluationContext extends HookContext {
  readonly metrics: Readonly<Record<string, number>>;
}

export interface CheckpointContext extends HookContext {
  readonly dir: string;
}

/**
 * Base class for callbacks, as in PyTorch Lightning: every hook is a no-op that subclasses override.
 * Callbacks carry their own state so they survive a checkpoint (`stateDict` / `loadStateDict`).
 */
export abstract class Callback {
  /** Stable key under which this callback's state is saved in a checkpoint. */
  abstract readonly name: string;
  /** Before the first step, after strategies have prepared the model. */
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
  /** After the optimizer step and the scheduler update. */
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
