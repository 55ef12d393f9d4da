import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../errors/tl-error.js';

/**
 * The named trainable state of a model, in creation order, keyed by HF state-dict names
 * (`bert.encoder.layer.0.attention.self.query.weight`). Weight shapes follow torch's layout
 * (Linear weights are [out, in]) so safetensors load without transposition tables.
 */
export class ParameterStore {
  private readonly variables = new Map<string, tf.Variable>();
  /** Aliases for tied weights: alias name → owning parameter name. */
  private readonly ties = new Map<string, string>();

  /** Creates a parameter from an initial value (the store takes ownership of `init`). */
  create(name: string, init: tf.Tensor): tf.Variable {
    if (this.variables.has(name)) throw new TlError('MODEL', `parameter ${name} is defined twice`);
    const v = tf.variable(init, true, `${name}#${nextId++}`);
    init.dispose();
    this.variables.set(name, v);
    return v;
  }

  /** Declares `alias` as the same tensor as `owner` (e.g. the MLM decoder tied to word embeddings). */
  tie(alias: string, owner: string): void {
    if (!this.variables.has(owner)) throw new TlError('MODEL', `cannot tie ${alias}: ${owner} does not exist`);
    this.ties.set(alias, owner);
  }

  get(name: string): tf.Variable {
    const v = this.variables.get(this.ties.get(name) ?? name);
    if (!v) throw new TlError('MODEL', `no parameter named ${name}`);
    return v;
  }

  has(name: string): boolean {
    return this.variables.has(name) || this.ties.has(name);
  }

  /** Owning names only (a tied alias is not a separate parameter). */
  names(): string[] {
    return [...this.variables.keys()];
  }

  tiedAliases(): ReadonlyMap<string, string> {
    return this.ties;
  }

  entries(): IterableIterator<[string, tf.Variable]> {
    return this.variables.entries();
  }

  get size(): number {
    return this.variables.size;
  }

  /** Total number of scalar weights. */
  count(): number {
    let n = 0;
    for (const v of this.variables.values()) n += v.size;
    return n;
  }

  /** Replaces a parameter's value, checking the shape (the caller keeps ownership of `value`). */
  assign(name: string, value: tf.Tensor): void {
    const v = this.get(name);
    if (!tf.util.arraysEqual(v.shape, value.shape)) {
      throw new TlError(
        'CHECKPOINT',
        `tensor ${name} has shape [${value.shape.join(', ')}] but the config gives [${v.shape.join(', ')}]`,
      );
    }
    v.assign(value.dtype === v.dtype ? value : tf.tidy(() => tf.cast(value, v.dtype)));
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    this.ties.clear();
  }
}

// Variable names must be unique in the tfjs engine even when two models with the same HF names coexist.
let nextId = 0;
