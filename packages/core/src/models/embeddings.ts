import * as tf from '@tensorflow/tfjs-core';
import type { EncodedBatch } from '../model/model.js';
import type { DropoutContext } from '../nn/dropout.js';
import { Embedding } from '../nn/embedding.js';
import type { Initializer } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import type { ParameterStore } from '../nn/parameter-store.js';
import type { EncoderConfig } from './config.js';
import { joinName } from './naming.js';

/**
 * How position ids are derived: `absolute` counts 0..seq-1 (BERT, DistilBERT); `padding-offset` is
 * RoBERTa's scheme — positions start at padding_idx + 1 and padding tokens get padding_idx.
 */
export type PositionScheme = 'absolute' | 'padding-offset';

/** word + position (+ token type) embeddings → LayerNorm → dropout, with HF's names. */
export class Embeddings {
  private readonly words: Embedding;
  private readonly positions: Embedding;
  private readonly tokenTypes?: Embedding;
  private readonly norm: LayerNorm;

  constructor(
    store: ParameterStore,
    prefix: string,
    private readonly cfg: EncoderConfig,
    init: Initializer,
    private readonly positionScheme: PositionScheme,
  ) {
    const at = (n: string) => joinName(prefix, 'embeddings', n);
    const h = cfg.hiddenSize;
    this.words = new Embedding(store, at('word_embeddings'), cfg.vocabSize, h, init, cfg.padTokenId);
    const positionPad = positionScheme === 'padding-offset' ? cfg.padTokenId : undefined;
    this.positions = new Embedding(store, at('position_embeddings'), cfg.maxPositions, h, init, positionPad);
    if (cfg.typeVocabSize > 0) {
      this.tokenTypes = new Embedding(store, at('token_type_embeddings'), cfg.typeVocabSize, h, init);
    }
    this.norm = new LayerNorm(store, at('LayerNorm'), h, cfg.layerNormEps, init);
  }

  /** The parameter name of the word-embedding table (tied to masked-LM decoders). */
  get wordEmbeddingName(): string {
    return this.words.weightName;
  }

  apply(batch: EncodedBatch, dropout: DropoutContext): tf.Tensor3D {
    const ids = batch.inputIds;
    let x = tf.add(this.words.apply(ids), this.positions.apply(this.positionIds(ids)));
    if (this.tokenTypes) {
      const types = batch.tokenTypeIds ?? tf.zerosLike(ids);
      x = tf.add(x, this.tokenTypes.apply(types));
    }
    return dropout.apply(this.norm.apply(x), this.cfg.hiddenDropout) as tf.Tensor3D;
  }

  private positionIds(ids: tf.Tensor2D): tf.Tensor {
    const [, seq] = ids.shape;
    if (this.positionScheme === 'absolute') return tf.reshape(tf.range(0, seq, 1, 'int32'), [1, seq]);
    const pad = this.cfg.padTokenId;
    const notPad = tf.cast(tf.notEqual(ids, pad), 'int32');
    return tf.add(tf.mul(tf.cumsum(notPad, 1), notPad), tf.scalar(pad, 'int32'));
  }
}
