import type * as tf from '@tensorflow/tfjs-core';
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
    let h = embeddingOutput;
    for (const layer of this.layers) h = layer.apply(h, maskBias, dropout);
    return { embeddingOutput, lastHiddenState: h };
  }
}
