import type * as tf from '@tensorflow/tfjs-core';
import { add } from '@tensorflow/tfjs-core';
import { activation, type Activation } from '../nn/activations.js';
import { scaledDotProductAttention } from '../nn/attention.js';
import type { DropoutContext } from '../nn/dropout.js';
import type { Initializer } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import type { ParameterStore } from '../nn/parameter-store.js';
import type { EncoderConfig } from './config.js';
import { joinName } from './naming.js';

/** Where each sub-module of a post-LayerNorm transformer layer sits in a family's state dict. */
export interface LayerNaming {
  readonly query: string;
  readonly key: string;
  readonly value: string;
  readonly attentionOutput: string;
  readonly attentionNorm: string;
  readonly intermediate: string;
  readonly output: string;
  readonly outputNorm: string;
}

/**
 * One BERT-family layer (post-LN): x ← LN(x + drop(Wo·attn(x))); x ← LN(x + drop(W2·act(W1·x))).
 * BERT, RoBERTa and DistilBERT differ only in names, which `LayerNaming` carries. It works on rows,
 * x as [batch·seq, hidden]: every Linear is then one matmul with no Reshape before or after (288
 * kernel calls of a BERT-base training step), and only attention views the rows as heads.
 */
export class TransformerLayer {
  private readonly q: Linear;
  private readonly k: Linear;
  private readonly v: Linear;
  private readonly attnOut: Linear;
  private readonly attnNorm: LayerNorm;
  private readonly ffnIn: Linear;
  private readonly ffnOut: Linear;
  private readonly outNorm: LayerNorm;
  private readonly act: Activation;

  constructor(
    store: ParameterStore,
    prefix: string,
    naming: LayerNaming,
    private readonly cfg: EncoderConfig,
    init: Initializer,
  ) {
    const h = cfg.hiddenSize;
    const at = (n: string) => joinName(prefix, n);
    this.q = new Linear(store, at(naming.query), h, h, init);
    this.k = new Linear(store, at(naming.key), h, h, init);
    this.v = new Linear(store, at(naming.value), h, h, init);
    this.attnOut = new Linear(store, at(naming.attentionOutput), h, h, init);
    this.attnNorm = new LayerNorm(store, at(naming.attentionNorm), h, cfg.layerNormEps, init);
    this.ffnIn = new Linear(store, at(naming.intermediate), h, cfg.intermediateSize, init);
    this.ffnOut = new Linear(store, at(naming.output), cfg.intermediateSize, h, init);
    this.outNorm = new LayerNorm(store, at(naming.outputNorm), h, cfg.layerNormEps, init);
    this.act = activation(cfg.hiddenAct);
  }

  apply(x: tf.Tensor2D, maskBias: tf.Tensor4D, dropout: DropoutContext): tf.Tensor2D {
    const { cfg } = this;
    const ctx = scaledDotProductAttention(
      this.q.apply(x),
      this.k.apply(x),
      this.v.apply(x),
      maskBias,
      cfg.numHeads,
      cfg.attentionDropout,
      dropout,
    );
    const attended = this.attnNorm.apply(add(x, dropout.apply(this.attnOut.apply(ctx), cfg.hiddenDropout)));
    const ffn = this.ffnOut.apply(this.act(this.ffnIn.apply(attended)));
    return this.outNorm.apply(add(attended, dropout.apply(ffn, cfg.hiddenDropout))) as tf.Tensor2D;
  }
}
