import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../errors/tl-error.js';

/**
 * A reparametrisation of a stored weight (as `torch.nn.utils.parametrize`): layers read
 * `apply(weight)` instead of the weight itself, so adapters such as LoRA change a layer without the
 * layer knowing. The stored weight stays what checkpoints hold; `value()` is what the model computes with.
 */
export interface Parametrization {
  /** Names of the parameters the parametrisation owns (in this store): trained and checkpointed, never exported. */
  readonly parameters: readonly string[];
  /** The effective weight; called inside the forward pass, so gradients reach `parameters`. */
  apply(weight: tf.Tensor): tf.Tensor;
}

/**
 * The named trainable state of a model, in creation order, keyed by HF state-dict names
 * (`bert.encoder.layer.0.attention.self.query.weight`). Weight shapes follow torch's layout
 * (Linear weights are [out, in]) so safetensors load without transposition tables.
 */
export class ParameterStore {
  private readonly variables = new Map<string, tf.Variable>();
  /** Aliases for tied weights: alias name → owning parameter name. */
  private readonly ties = new Map<string, string>();
  private readonly parametrizations = new Map<string, Parametrization>();
  /** Parameters owned by a parametrisation (adapter weights): auxiliary name → parametrised name. */
  private readonly auxiliary = new Map<string, string>();
  /** Variables owned by another store (hard parameter sharing): not disposed here. */
  private readonly borrowed = new Set<string>();

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

  /**
   * Makes `name` the very variable of another model (hard parameter sharing: one encoder, several
   * heads). A variable this store held under the name is disposed; the shared one stays owned by its store.
   */
  share(name: string, variable: tf.Variable): void {
    if (this.ties.has(name)) throw new TlError('MODEL', `cannot share ${name}: it is a tied alias`);
    const own = this.variables.get(name);
    if (own && !tf.util.arraysEqual(own.shape, variable.shape)) {
      throw new TlError('MODEL', `cannot share ${name}: shape [${variable.shape.join(', ')}] differs from [${own.shape.join(', ')}]`);
    }
    if (own && own !== variable && !this.borrowed.has(name)) own.dispose();
    this.variables.set(name, variable);
    this.borrowed.add(name);
  }

  /** Removes a parameter and frees it (unless borrowed); refused while a tie or parametrisation refers to it. */
  delete(name: string): void {
    if (!this.variables.has(name)) throw new TlError('MODEL', `no parameter named ${name}`);
    for (const [alias, owner] of this.ties) {
      if (owner === name) throw new TlError('MODEL', `cannot delete ${name}: ${alias} is tied to it`);
    }
    if (this.parametrizations.has(name)) throw new TlError('MODEL', `cannot delete ${name}: it is parametrised`);
    const owner = this.auxiliary.get(name);
    if (owner !== undefined) throw new TlError('MODEL', `cannot delete ${name}: the parametrisation of ${owner} uses it`);
    const v = this.variables.get(name)!;
    if (!this.borrowed.delete(name)) v.dispose();
    this.variables.delete(name);
  }

  /** Registers a parametrisation of `name`; its own parameters must already be in this store. */
  parametrize(name: string, parametrization: Parametrization): void {
    const target = this.ties.get(name) ?? name;
    if (!this.variables.has(target)) throw new TlError('MODEL', `cannot parametrise ${name}: no such parameter`);
    if (this.parametrizations.has(target)) throw new TlError('MODEL', `${name} is already parametrised`);
    for (const p of parametrization.parameters) {
      if (!this.variables.has(p)) throw new TlError('MODEL', `parametrisation of ${name} names ${p}, which is not in the store`);
      if (this.auxiliary.has(p)) throw new TlError('MODEL', `${p} already belongs to the parametrisation of ${this.auxiliary.get(p)}`);
    }
    this.parametrizations.set(target, parametrization);
    for (const p of parametrization.parameters) this.auxiliary.set(p, target);
  }

  /**
   * Removes the parametrisation of `name`. With `merge`, the effective weight is first written into
   * the stored one (LoRA's merge). The parametrisation's own parameters stay; `delete` them if unwanted.
   */
  unparametrize(name: string, options: { readonly merge: boolean }): void {
    const target = this.ties.get(name) ?? name;
    const p = this.parametrizations.get(target);
    if (!p) throw new TlError('MODEL', `${name} is not parametrised`);
    if (options.merge) {
      const merged = tf.tidy(() => p.apply(this.variables.get(target)!));
      this.variables.get(target)!.assign(merged);
      merged.dispose();
    }
    this.parametrizations.delete(target);
    for (const a of p.parameters) this.auxiliary.delete(a);
  }

  /** The parametrisation of `name`, if any. */
  parametrization(name: string): Parametrization | undefined {
    return this.parametrizations.get(this.ties.get(name) ?? name);
  }

  /** True for a parameter owned by a parametrisation (an adapter weight): trained, but not part of an exported model. */
  isAuxiliary(name: string): boolean {
    return this.auxiliary.has(name);
  }

  /**
   * The weight a layer computes with: `get(name)`, or its parametrisation applied to it. Inside a
   * forward pass (a tidy), so the result is freed with the pass.
   */
  value(name: string): tf.Tensor {
    const p = this.parametrizations.get(this.ties.get(name) ?? name);
    return p ? p.apply(this.get(name)) : this.get(name);
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
    for (const [name, v] of this.variables) if (!this.borrowed.has(name)) v.dispose();
    this.variables.clear();
    this.ties.clear();
    this.parametrizations.clear();
    this.auxiliary.clear();
    this.borrowed.clear();
  }
}

// Variable names must be unique in the tfjs engine even when two models with the same HF names coexist.
let nextId = 0;
