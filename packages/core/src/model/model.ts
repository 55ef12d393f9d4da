import type * as tf from '@tensorflow/tfjs-core';
import type { ParameterStore } from '../nn/parameter-store.js';

/** One padded batch as the encoders consume it; all int32, shape [batch, seq]. */
export interface EncodedBatch {
  readonly inputIds: tf.Tensor2D;
  readonly attentionMask: tf.Tensor2D;
  /** Segment ids; absent for families without them (DistilBERT) or when all zeros. */
  readonly tokenTypeIds?: tf.Tensor2D;
  /**
   * Masked LM only: flat positions (row × seq + column) whose logits the head computes, int32. The
   * loss of pretraining reads ~15% of the tokens, so the vocabulary projection skips the rest; the
   * logits are then [positions, vocab] and the labels [positions]. Absent: every position.
   */
  readonly predictPositions?: tf.Tensor1D;
}

/** The heads tl ships. Token classification etc. are added by registering a head in the family table. */
export type TaskKind = 'sequence-classification' | 'masked-lm' | 'feature-extraction';

export interface ForwardOptions {
  /** Training mode: dropout active. Default false (eval mode, as HF `model.eval()`). */
  readonly training?: boolean;
  /** Seed for dropout masks, so a training step is reproducible. */
  readonly seed?: number;
}

export interface ModelOutput {
  /** Output of the embeddings block (after LayerNorm and dropout). */
  readonly embeddingOutput: tf.Tensor3D;
  /** Last encoder layer, [batch, seq, hidden]. */
  readonly lastHiddenState: tf.Tensor3D;
  /** BERT pooler output (tanh(dense(h[:,0]))), when the model has a pooler. */
  readonly poolerOutput?: tf.Tensor2D;
  /** Head output: [batch, labels] for classification, [batch, seq, vocab] for masked LM. */
  readonly logits?: tf.Tensor;
}

/** Labels for a loss: class indices [batch] (or [batch, seq] with -100 = ignore, for masked LM). */
export type Labels = tf.Tensor1D | tf.Tensor2D;

/**
 * A pretrained encoder with a head. Parameters carry the HF state-dict names, so checkpoints load and
 * save without renaming tables and strategies select parameters by the names users know from HF.
 */
export interface Model {
  /** HF `model_type`: bert, roberta, distilbert. */
  readonly modelType: string;
  readonly task: TaskKind;
  /** The HF config.json content this model was built from (kept verbatim for saving). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly parameters: ParameterStore;
  /** Number of encoder layers (for layer-wise strategies). */
  readonly numLayers: number;
  forward(batch: EncodedBatch, options?: ForwardOptions): ModelOutput;
  /** The task loss as HF computes it (cross-entropy, MSE for one label, masked-LM CE ignoring -100). */
  loss(output: ModelOutput, labels: Labels): tf.Scalar;
  /**
   * Where a parameter sits in the stack: 'embeddings', an encoder layer index, or 'head' (pooler and
   * task head). Layer-wise strategies (freezing, LLRD, gradual unfreezing) are written against this.
   */
  depthOf(parameterName: string): 'embeddings' | number | 'head';
  dispose(): void;
}
