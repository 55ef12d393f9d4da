import * as tf from '@tensorflow/tfjs-core';
import type { EncodedBatch, Labels } from '../../model/model.js';
import type { Example } from '../../training/trainer.js';

/** A batch ready for `Model.forward` and `Model.loss`; the receiver owns (and disposes) its tensors. */
export interface CollatedBatch {
  readonly inputs: EncodedBatch;
  readonly labels: Labels;
  /** Number of examples (the first dimension). */
  readonly size: number;
}

/**
 * Where a training micro-batch sits in the run. Collators that draw random numbers (masked-LM
 * masking) derive them from it, so a resumed run draws what an uninterrupted one would.
 */
export interface CollateContext {
  /** The optimizer step (1-based) this micro-batch belongs to. */
  readonly step: number;
  /** Index of the micro-batch within its gradient-accumulation window. */
  readonly microBatch: number;
}

/** Turns examples into tensors. The Trainer calls it per micro-batch and disposes the result. */
export interface Collator {
  /** `context` is given for training micro-batches and absent for evaluation. */
  collate(examples: readonly Example[], context?: CollateContext): CollatedBatch;
  /** The example's length in tokens; enables `groupByLength` batching. */
  lengthOf?(example: Example): number;
}

export function disposeBatch(batch: CollatedBatch): void {
  tf.dispose([batch.inputs.inputIds, batch.inputs.attentionMask, batch.labels]);
  if (batch.inputs.tokenTypeIds) batch.inputs.tokenTypeIds.dispose();
  if (batch.inputs.predictPositions) batch.inputs.predictPositions.dispose();
}
