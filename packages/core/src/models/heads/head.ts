import type * as tf from '@tensorflow/tfjs-core';
import type { EncodedBatch } from '../../model/model.js';
import type { DropoutContext } from '../../nn/dropout.js';
import type { Initializer } from '../../nn/init.js';
import type { ParameterStore } from '../../nn/parameter-store.js';
import type { EncoderConfig } from '../config.js';
import type { EncoderOutput, TransformerEncoder } from '../encoder.js';

export interface HeadOutput {
  readonly logits?: tf.Tensor;
  readonly poolerOutput?: tf.Tensor2D;
}

/** A task head on top of an encoder; created with the store so its parameters get HF names. */
export interface Head {
  apply(encoded: EncoderOutput, batch: EncodedBatch, dropout: DropoutContext): HeadOutput;
}

export interface HeadContext {
  readonly store: ParameterStore;
  readonly cfg: EncoderConfig;
  readonly init: Initializer;
  readonly encoder: TransformerEncoder;
}

export type HeadBuilder = (ctx: HeadContext) => Head;
