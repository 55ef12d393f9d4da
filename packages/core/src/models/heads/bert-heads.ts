import * as tf from '@tensorflow/tfjs-core';
import { activation } from '../../nn/activations.js';
import { LayerNorm } from '../../nn/layer-norm.js';
import { Linear } from '../../nn/linear.js';
import type { HeadBuilder } from './head.js';
import { Pooler } from './pooler.js';

/** BertForSequenceClassification: pooler → dropout → classifier. */
export const bertSequenceClassification: HeadBuilder = (ctx) => {
  const pooler = new Pooler(ctx);
  const classifier = new Linear(ctx.store, 'classifier', ctx.cfg.hiddenSize, ctx.cfg.numLabels, ctx.init);
  return {
    apply(encoded, _batch, dropout) {
      const poolerOutput = pooler.apply(encoded.lastHiddenState);
      const logits = classifier.apply(dropout.apply(poolerOutput, ctx.cfg.classifierDropout));
      return { poolerOutput, logits };
    },
  };
};

/**
 * BertForMaskedLM: transform (dense → act → LayerNorm) → decoder tied to the word embeddings + bias,
 * at every position or at `batch.predictPositions` only.
 * The decoder weight is an alias of `bert.embeddings.word_embeddings.weight`, as in HF, so checkpoints
 * that store one copy load and gradients from both uses accumulate in one parameter.
 */
export const bertMaskedLm: HeadBuilder = (ctx) => {
  const { store, cfg, init } = ctx;
  const h = cfg.hiddenSize;
  const dense = new Linear(store, 'cls.predictions.transform.dense', h, h, init);
  const norm = new LayerNorm(store, 'cls.predictions.transform.LayerNorm', h, cfg.layerNormEps, init);
  const act = activation(cfg.hiddenAct);
  const decoderName = 'cls.predictions.decoder.weight';
  store.tie(decoderName, ctx.encoder.embeddings.wordEmbeddingName);
  store.create('cls.predictions.bias', init.zeros([cfg.vocabSize]));
  return {
    apply(encoded, batch) {
      const [b, s] = encoded.lastHiddenState.shape;
      let hidden = tf.reshape(encoded.lastHiddenState, [b * s, h]);
      // Pretraining predicts a few positions: project only those onto the vocabulary.
      if (batch.predictPositions) hidden = tf.gather(hidden, batch.predictPositions);
      const t = norm.apply(act(dense.apply(hidden)));
      const logits = tf.add(tf.matMul(t, store.get(decoderName), false, true), store.get('cls.predictions.bias'));
      return { logits: batch.predictPositions ? logits : tf.reshape(logits, [b, s, cfg.vocabSize]) };
    },
  };
};
