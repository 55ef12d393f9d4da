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

/** Turns examples into tensors. The Trainer calls it per micro-batch and disposes the result. */
export interface Collator {
  collate(examples: readonly Example[]): CollatedBatch;
  /** The example's length in tokens; enables `groupByLength` batching. */
  lengthOf?(example: Example): number;
}

export function disposeBatch(batch: CollatedBatch): void {
  tf.dispose([batch.inputs.inputIds, batch.inputs.attentionMask, batch.labels]);
  if (batch.inputs.tokenTypeIds) batch.inputs.tokenTypeIds.dispose();
}
