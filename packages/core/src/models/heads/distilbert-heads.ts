import * as tf from '@tensorflow/tfjs-core';
import { Linear } from '../../nn/linear.js';
import type { HeadBuilder } from './head.js';
import { firstToken } from './pooler.js';

/** DistilBertForSequenceClassification: pre_classifier → ReLU → dropout(seq_classif_dropout) → classifier. */
export const distilbertSequenceClassification: HeadBuilder = (ctx) => {
  const { cfg } = ctx;
  const pre = new Linear(ctx.store, 'pre_classifier', cfg.hiddenSize, cfg.hiddenSize, ctx.init);
  const classifier = new Linear(ctx.store, 'classifier', cfg.hiddenSize, cfg.numLabels, ctx.init);
  return {
    apply(encoded, _batch, dropout) {
      const h = dropout.apply(tf.relu(pre.apply(firstToken(encoded.lastHiddenState))), cfg.classifierDropout);
      return { logits: classifier.apply(h) };
    },
  };
};
