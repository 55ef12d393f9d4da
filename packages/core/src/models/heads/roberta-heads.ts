import * as tf from '@tensorflow/tfjs-core';
import { Linear } from '../../nn/linear.js';
import type { HeadBuilder } from './head.js';
import { firstToken } from './pooler.js';

/** RobertaClassificationHead: dropout → dense → tanh → dropout → out_proj on <s>; no pooler. */
export const robertaSequenceClassification: HeadBuilder = (ctx) => {
  const { cfg } = ctx;
  const dense = new Linear(ctx.store, 'classifier.dense', cfg.hiddenSize, cfg.hiddenSize, ctx.init);
  const outProj = new Linear(ctx.store, 'classifier.out_proj', cfg.hiddenSize, cfg.numLabels, ctx.init);
  return {
    apply(encoded, _batch, dropout) {
      const x = dropout.apply(firstToken(encoded.lastHiddenState), cfg.classifierDropout);
      const h = dropout.apply(tf.tanh(dense.apply(x)), cfg.classifierDropout);
      return { logits: outProj.apply(h) };
    },
  };
};
