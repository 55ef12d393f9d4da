import type { Model } from '../model/model.js';
import type { Example } from '../training/trainer.js';
import type { GradientContext, HookContext } from '../training/callback.js';

/** A set of parameters trained with their own learning-rate multiplier and weight decay. */
export interface ParameterGroup {
  readonly name: string;
  readonly parameterNames: readonly string[];
  /** Multiplies the scheduled learning rate (LLRD, discriminative lrs). */
  readonly lrScale: number;
  readonly weightDecay: number;
  /** Frozen groups get no gradient and no optimizer state. */
  readonly trainable: boolean;
}

/** Where in a composition a strategy acts; strategies run in this order, then in declaration order. */
export type StrategyPhase = 'initialise' | 'data' | 'optimisation' | 'schedule';

export interface StrategyContext {
  /** The model the caller gave the Trainer (what is saved); parameters are the ones trained. */
  readonly model: Model;
  /** A source model to transfer from (weight sharing), when the pipeline has one. */
  readonly source?: Model;
  readonly seed: number;
}

/**
 * A transfer-learning strategy plugin. Every method is optional; the Trainer calls them at the matching
 * point. Strategies compose: `phase` orders them, and `conflictsWith` names strategies that cannot be
 * combined with this one (an error at setup, not a surprise at step 500).
 */
export interface TransferStrategy {
  readonly name: string;
  readonly phase: StrategyPhase;
  readonly conflictsWith?: readonly string[];
  /** Initialise or reshape the model from the source (weight sharing, re-init, adapters). */
  prepareModel?(ctx: StrategyContext): void | Promise<void>;
  /**
   * Wraps the model the loop runs forward passes through (training and in-loop evaluation), after
   * `prepareModel`. The wrapper must share the model's parameters; it changes how outputs are
   * computed (e.g. a cache of frozen encoder features), never what is saved.
   */
  wrapModel?(model: Model, ctx: StrategyContext): Model;
  /** Enrich or filter the training set (augmentation, auxiliary data). */
  transformDataset?(examples: readonly Example[], ctx: StrategyContext): readonly Example[] | Promise<readonly Example[]>;
  /** Refine parameter groups (freeze, per-layer lrs). Receives the groups built so far. */
  parameterGroups?(groups: readonly ParameterGroup[], ctx: StrategyContext): readonly ParameterGroup[];
  /** Epoch boundary: gradual unfreezing and similar schedules act here. */
  onEpochStart?(ctx: HookContext & { groups: ParameterGroup[] }): void;
  /** Step boundary. */
  onStepStart?(ctx: HookContext & { groups: ParameterGroup[] }): void;
  /**
   * After backward, before clipping: gradients by parameter name (valid only during the call). A
   * strategy may change `groups` here (freeze what stopped learning): the optimizer reads the groups
   * after this hook, so the change already applies to this step's update.
   */
  onAfterBackward?(ctx: GradientContext & { groups: ParameterGroup[] }): void;
  /** After the last step (and the best-model restore): undo temporary changes, release caches. */
  onTrainEnd?(ctx: StrategyContext): void | Promise<void>;
}

/** Builds a strategy from CLI-style options (`--strategy layerwise:llrd=0.9`). */
export type TransferStrategyFactory = (options: Readonly<Record<string, string>>) => TransferStrategy;
