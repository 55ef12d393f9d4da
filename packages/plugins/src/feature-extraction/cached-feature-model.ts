import * as tf from '@tensorflow/tfjs-core';
import { TlError, type EncodedBatch, type EncoderOutput, type ForwardOptions, type Labels, type Model, type ModelOutput } from '@tl/core';

/** What the cache needs of a model: a head that runs on given encoder outputs (EncoderModel has it). */
export interface HeadRunner extends Model {
  forwardHead(encoded: EncoderOutput, batch: EncodedBatch, options?: ForwardOptions): ModelOutput;
}

export function canRunHead(model: Model): model is HeadRunner {
  return typeof (model as Partial<HeadRunner>).forwardHead === 'function';
}

/**
 * A view of a model whose encoder is frozen: each distinct input is encoded once (eval mode, no
 * dropout), its first-token state is kept, and later passes run only the head on the cached states.
 * Classification heads of all three families read only that position, so the outputs equal a full
 * forward pass with the encoder in eval mode. Keys are the input's token ids, type ids and mask, so a
 * cache hit is the same input, whatever batch it comes in.
 */
export class CachedFeatureModel implements Model {
  private readonly cache = new Map<string, Float32Array>();
  /** Number of examples encoded (cache misses); the rest were served from the cache. */
  encoded = 0;
  /** Number of examples served from the cache. */
  hits = 0;

  constructor(readonly inner: HeadRunner) {
    if (inner.task !== 'sequence-classification') {
      throw new TlError('STRATEGY', `strategy "feature-extraction": a ${inner.task} head does not read only the first token; use it with sequence classification`);
    }
  }

  get modelType(): string {
    return this.inner.modelType;
  }
  get task(): Model['task'] {
    return this.inner.task;
  }
  get config(): Model['config'] {
    return this.inner.config;
  }
  get parameters(): Model['parameters'] {
    return this.inner.parameters;
  }
  get numLayers(): number {
    return this.inner.numLayers;
  }
  get cacheSize(): number {
    return this.cache.size;
  }

  depthOf(name: string): ReturnType<Model['depthOf']> {
    return this.inner.depthOf(name);
  }

  loss(output: ModelOutput, labels: Labels): tf.Scalar {
    return this.inner.loss(output, labels);
  }

  forward(batch: EncodedBatch, options: ForwardOptions = {}): ModelOutput {
    const keys = rowKeys(batch);
    const missing = keys.map((k, i) => (this.cache.has(k) ? -1 : i)).filter((i) => i >= 0);
    if (missing.length > 0) this.encodeRows(batch, keys, missing);
    this.hits += keys.length - missing.length;
    const hidden = this.inner.config['hidden_size'] as number | undefined;
    const width = this.cache.get(keys[0]!)!.length;
    if (hidden !== undefined && hidden !== width) throw new TlError('MODEL', `feature cache: width ${width} but hidden_size ${hidden}`);
    return tf.tidy(() => {
      const flat = new Float32Array(keys.length * width);
      keys.forEach((k, i) => flat.set(this.cache.get(k)!, i * width));
      const states = tf.tensor3d(flat, [keys.length, 1, width]);
      return this.inner.forwardHead({ embeddingOutput: states, lastHiddenState: states }, batch, options) as ModelOutput & tf.TensorContainerObject;
    });
  }

  /** Encodes the whole batch once in eval mode and caches the first-token state of the missing rows. */
  private encodeRows(batch: EncodedBatch, keys: readonly string[], rows: readonly number[]): void {
    const first = tf.tidy(() => {
      const out = this.inner.forward(batch, { training: false });
      const [b, , h] = out.lastHiddenState.shape;
      return tf.reshape(tf.slice(out.lastHiddenState, [0, 0, 0], [b, 1, h]), [b, h]);
    });
    const data = first.dataSync() as Float32Array;
    const h = first.shape[1]!;
    first.dispose();
    for (const i of rows) this.cache.set(keys[i]!, data.slice(i * h, (i + 1) * h));
    this.encoded += rows.length;
  }

  /** Drops every cached feature (call when the encoder's weights change). */
  clear(): void {
    this.cache.clear();
  }

  dispose(): void {
    this.clear();
  }
}

/** One key per row: the attended token ids, with type ids when present (padding does not change the key). */
function rowKeys(batch: EncodedBatch): string[] {
  const [b, s] = batch.inputIds.shape;
  const ids = batch.inputIds.dataSync();
  const mask = batch.attentionMask.dataSync();
  const types = batch.tokenTypeIds?.dataSync();
  const keys: string[] = [];
  for (let r = 0; r < b; r++) {
    const parts: number[] = [];
    for (let c = 0; c < s; c++) {
      const j = r * s + c;
      if (mask[j] === 0) continue;
      parts.push(ids[j]!, types ? types[j]! : 0, c);
    }
    keys.push(parts.join(','));
  }
  return keys;
}
