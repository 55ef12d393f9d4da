import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../errors/tl-error.js';
import type { EncodedBatch, ForwardOptions, Labels, Model, ModelOutput, TaskKind } from '../model/model.js';
import { DropoutContext } from '../nn/dropout.js';
import { Initializer } from '../nn/init.js';
import { ParameterStore } from '../nn/parameter-store.js';
import type { EncoderConfig } from './config.js';
import { TransformerEncoder, type EncoderOutput } from './encoder.js';
import type { EncoderFamily } from './family.js';
import type { Head } from './heads/head.js';
import { binaryCrossEntropyWithLogits, crossEntropy, maskedCrossEntropy, meanSquaredError } from './losses.js';

export interface BuildOptions {
  /** Seed for the initial values of parameters (those a checkpoint does not overwrite). */
  readonly seed?: number;
  /**
   * Keep the encoder under the family's base prefix (`bert.`). HF task models do; bare
   * `BertModel` checkpoints do not. Defaults to true except for feature extraction.
   */
  readonly prefixed?: boolean;
}

/** A BERT-family encoder plus one head, implementing the Model contract. */
export class EncoderModel implements Model {
  readonly parameters = new ParameterStore();
  readonly modelType: string;
  readonly numLayers: number;
  readonly basePrefix: string;
  private readonly encoder: TransformerEncoder;
  private readonly head: Head;
  private readonly layerPattern: RegExp;

  constructor(
    readonly family: EncoderFamily,
    readonly task: TaskKind,
    readonly encoderConfig: EncoderConfig,
    readonly config: Readonly<Record<string, unknown>>,
    options: BuildOptions = {},
  ) {
    const headBuilder = family.heads[task];
    if (!headBuilder) {
      const tasks = Object.keys(family.heads).join(', ');
      throw new TlError('MODEL', `${family.modelType} has no ${task} head; available: ${tasks}`);
    }
    this.modelType = family.modelType;
    this.numLayers = encoderConfig.numLayers;
    const prefixed = options.prefixed ?? task !== 'feature-extraction';
    this.basePrefix = prefixed ? family.basePrefix : '';
    const init = new Initializer(encoderConfig.initializerRange, options.seed ?? 42);
    this.encoder = new TransformerEncoder(this.parameters, this.basePrefix, encoderConfig, init, family.layout);
    this.head = headBuilder({ store: this.parameters, cfg: encoderConfig, init, encoder: this.encoder });
    const base = this.basePrefix ? `${this.basePrefix}\\.` : '';
    this.layerPattern = new RegExp(`^${base}${family.layout.layersPath.replace('.', '\\.')}\\.(\\d+)\\.`);
  }

  forward(batch: EncodedBatch, options: ForwardOptions = {}): ModelOutput {
    const dropout = new DropoutContext(options.training ?? false, options.seed ?? 0);
    return tf.tidy(() => {
      const encoded = this.encoder.apply(batch, dropout);
      const head = this.head.apply(encoded, batch, dropout);
      return { ...encoded, ...head } as ModelOutput & tf.TensorContainerObject;
    });
  }

  /**
   * Runs the head alone on encoder outputs computed earlier, e.g. the cached features of a frozen
   * encoder (feature extraction). Classification heads read only the first position of
   * `lastHiddenState`, so a [batch, 1, hidden] tensor of first-token states is enough for them.
   */
  forwardHead(encoded: EncoderOutput, batch: EncodedBatch, options: ForwardOptions = {}): ModelOutput {
    const dropout = new DropoutContext(options.training ?? false, options.seed ?? 0);
    return tf.tidy(() => ({ ...encoded, ...this.head.apply(encoded, batch, dropout) }) as ModelOutput & tf.TensorContainerObject);
  }

  loss(output: ModelOutput, labels: Labels): tf.Scalar {
    const logits = output.logits;
    if (!logits) throw new TlError('MODEL', `a ${this.task} model has no logits to compute a loss from`);
    return tf.tidy(() => {
      if (this.task === 'masked-lm') {
        const vocab = logits.shape[logits.rank - 1]!;
        return maskedCrossEntropy(tf.reshape(logits, [-1, vocab]) as tf.Tensor2D, tf.reshape(labels, [-1]) as tf.Tensor1D);
      }
      const { numLabels, problemType } = this.encoderConfig;
      const kind = problemType ?? (numLabels === 1 ? 'regression' : 'single_label_classification');
      if (kind === 'regression') return meanSquaredError(logits, labels);
      if (kind === 'multi_label_classification') return binaryCrossEntropyWithLogits(logits, labels);
      return crossEntropy(logits as tf.Tensor2D, labels as tf.Tensor1D);
    });
  }

  depthOf(parameterName: string): 'embeddings' | number | 'head' {
    const layer = this.layerPattern.exec(parameterName);
    if (layer) return Number(layer[1]);
    const embeddings = this.basePrefix ? `${this.basePrefix}.embeddings.` : 'embeddings.';
    return parameterName.startsWith(embeddings) ? 'embeddings' : 'head';
  }

  dispose(): void {
    this.parameters.dispose();
  }
}
