import * as tf from '@tensorflow/tfjs-core';
import type { EncodedBatch, ForwardOptions, Labels, Model, ModelOutput } from '../../../src/model/model.js';
import { ParameterStore } from '../../../src/nn/parameter-store.js';
import { SeededRandom } from '../../../src/data/random/seeded-random.js';
import { PaddingCollator } from '../../../src/data/collate/padding-collator.js';
import type { Example } from '../../../src/training/trainer.js';

export interface ToyModelOptions {
  readonly vocabSize?: number;
  readonly hidden?: number;
  readonly numLabels?: number;
  readonly dropout?: number;
  readonly seed?: number;
}

/**
 * A small Model for Trainer tests: embedding bag (masked mean of token embeddings) → dense + tanh
 * → dropout → linear classifier, with HF-style names so default no-decay groups apply. Dropout uses
 * `options.seed` exactly as the real encoders do, so resume tests cover mask replay.
 */
export class ToyModel implements Model {
  readonly modelType = 'toy';
  readonly task = 'sequence-classification' as const;
  readonly config: Record<string, unknown>;
  readonly parameters = new ParameterStore();
  readonly numLayers = 1;
  private readonly dropout: number;

  constructor(o: ToyModelOptions = {}) {
    const v = o.vocabSize ?? 50;
    const h = o.hidden ?? 8;
    const c = o.numLabels ?? 3;
    this.dropout = o.dropout ?? 0;
    this.config = { model_type: 'toy', vocab_size: v, hidden_size: h, num_labels: c };
    const rng = new SeededRandom(o.seed ?? 1);
    const init = (shape: number[], scale: number): tf.Tensor =>
      tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rng.next() * 2 - 1) * scale), shape, 'float32');
    this.parameters.create('embeddings.word_embeddings.weight', init([v, h], 0.5));
    this.parameters.create('encoder.dense.weight', init([h, h], 0.5));
    this.parameters.create('encoder.dense.bias', tf.zeros([h]));
    this.parameters.create('encoder.LayerNorm.weight', tf.ones([h]));
    this.parameters.create('classifier.weight', init([c, h], 0.5));
    this.parameters.create('classifier.bias', tf.zeros([c]));
  }

  forward(batch: EncodedBatch, options: ForwardOptions = {}): ModelOutput {
    return tf.tidy(() => {
      const p = (n: string) => this.parameters.get(n);
      const emb = tf.gather(p('embeddings.word_embeddings.weight'), batch.inputIds) as tf.Tensor3D; // [b, s, h]
      const mask = tf.expandDims(tf.cast(batch.attentionMask, 'float32'), 2);
      const pooled = tf.div(tf.sum(tf.mul(emb, mask), 1), tf.sum(mask, 1)) as tf.Tensor2D;
      let hidden = tf.mul(tf.tanh(tf.add(tf.matMul(pooled, p('encoder.dense.weight'), false, true), p('encoder.dense.bias'))), p('encoder.LayerNorm.weight'));
      if (options.training && this.dropout > 0) hidden = tf.dropout(hidden, this.dropout, undefined, options.seed);
      const logits = tf.add(tf.matMul(hidden, p('classifier.weight'), false, true), p('classifier.bias'));
      return { embeddingOutput: emb, lastHiddenState: emb, logits };
    });
  }

  loss(output: ModelOutput, labels: Labels): tf.Scalar {
    return tf.tidy(() => {
      const logits = output.logits as tf.Tensor2D;
      const onehot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, logits.shape[1]);
      return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
    });
  }

  depthOf(name: string): 'embeddings' | number | 'head' {
    return name.startsWith('embeddings') ? 'embeddings' : name.startsWith('encoder') ? 0 : 'head';
  }

  dispose(): void {
    this.parameters.dispose();
  }
}

/** Whitespace tokens hashed into the vocabulary after a [CLS]=1; pad id 0. */
export function toyCollator(vocabSize = 50): PaddingCollator {
  return new PaddingCollator({
    padTokenId: 0,
    encode: (text, pair) => {
      const ids = (s: string) => s.split(/\s+/).filter(Boolean).map((w) => 2 + ([...w].reduce((a, ch) => a * 31 + ch.codePointAt(0)!, 7) % (vocabSize - 2)));
      const a = [1, ...ids(text)];
      const b = pair ? ids(pair) : [];
      return { inputIds: [...a, ...b], tokenTypeIds: [...a.map(() => 0), ...b.map(() => 1)] };
    },
  });
}

/** A learnable toy task: the label is which of three word families dominates the text. */
export function toyExamples(n: number, seed = 7): Example[] {
  const families = [
    ['red', 'crimson', 'scarlet', 'ruby'],
    ['blue', 'navy', 'azure', 'cobalt'],
    ['green', 'olive', 'lime', 'jade'],
  ];
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const label = rng.int(3);
    const len = 2 + rng.int(6);
    const words = Array.from({ length: len }, () => (rng.next() < 0.75 ? families[label]! : families[rng.int(3)]!)[rng.int(4)]!);
    return { text: words.join(' '), label };
  });
}
