import type { Model } from '../model/model.js';
import type { Callback } from './callback.js';

/** One labeled example as the data layer hands it to the Trainer. */
export interface Example {
  readonly text: string;
  readonly textPair?: string;
  /** Class index (classification) — string labels are mapped before they reach the Trainer. */
  readonly label: number;
}

export interface TrainResult {
  readonly steps: number;
  readonly finalLoss: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly stoppedEarly: boolean;
}

/**
 * The training loop contract. The implementation (AdamW, schedules, clipping, accumulation,
 * evaluation, checkpoints, resume) lives in @tl/core's training folder; backends and strategies are
 * written against this shape only.
 */
export interface Trainer {
  readonly model: Model;
  addCallback(callback: Callback): this;
  fit(train: readonly Example[], evaluation?: readonly Example[]): Promise<TrainResult>;
  evaluate(examples: readonly Example[]): Promise<Record<string, number>>;
}
