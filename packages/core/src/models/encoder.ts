import * as tf from '@tensorflow/tfjs-core';
import type { EncodedBatch } from '../model/model.js';
import { additiveAttentionMask } from '../nn/attention.js';
import type { DropoutContext } from '../nn/dropout.js';
import type { Initializer } from '../nn/init.js';
import type { ParameterStore } from '../nn/parameter-store.js';
import type { EncoderConfig } from './config.js';
import { Embeddings, type PositionScheme } from './embeddings.js';
import { joinName } from './naming.js';
import { TransformerLayer, type LayerNaming } from './transformer-layer.js';

/** Everything that distinguishes one family's encoder from another's: names and position scheme. */
export interface EncoderLayout {
  /** Path of the layer list below the base prefix: `encoder.layer` (BERT) or `transformer.layer` (DistilBERT). */
  readonly layersPath: string;
  readonly layer: LayerNaming;
  readonly positions: PositionScheme;
}

export interface EncoderOutput {
  readonly embeddingOutput: tf.Tensor3D;
  readonly lastHiddenState: tf.Tensor3D;
}

/** Embeddings followed by `numLayers` post-LN transformer layers. */
export class TransformerEncoder {
  readonly embeddings: Embeddings;
  private readonly layers: TransformerLayer[];

  constructor(store: ParameterStore, readonly basePrefix: string, cfg: EncoderConfig, init: Initializer, layout: EncoderLayout) {
    this.embeddings = new Embeddings(store, basePrefix, cfg, init, layout.positions);
    this.layers = Array.from(
      { length: cfg.numLayers },
      (_, i) => new TransformerLayer(store, joinName(basePrefix, layout.layersPath, String(i)), layout.layer, cfg, init),
    );
  }

  apply(batch: EncodedBatch, dropout: DropoutContext): EncoderOutput {
    const embeddingOutput = this.embeddings.apply(batch, dropout);
    const maskBias = additiveAttentionMask(batch.attentionMask);
    const [b, s, hidden] = embeddingOutput.shape;
    // The layers work on rows [batch·seq, hidden] (transformer-layer.ts): one reshape each way here.
    let h = tf.reshape(embeddingOutput, [b * s, hidden]) as tf.Tensor2D;
    for (const layer of this.layers) h = layer.apply(h, maskBias, dropout);
    return { embeddingOutput, lastHiddenState: tf.reshape(h, [b, s, hidden]) };
  }
}
