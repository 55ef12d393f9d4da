import { StrategyOptions, TlError, type Model, type ParameterGroup, type StrategyContext, type TransferStrategy } from '@tl/core';
import { addLoraAdapter, loraNames, mergeLoraAdapter } from './lora-adapter.js';

export interface LoraOptions {
  /** Rank r of the update (default 8). */
  readonly rank?: number;
  /** Scaling numerator: the update is (alpha / r)·B·A (default 2 × rank, a common choice). */
  readonly alpha?: number;
  /**
   * Module name suffixes to adapt (default `query` + `value`, PEFT's default for BERT; DistilBERT:
   * `q_lin` + `v_lin`). Any Linear inside the encoder layers whose name ends with one of these.
   */
  readonly targets?: readonly string[];
  /** Train the task head (pooler, classifier) fully, as PEFT's `modules_to_save` for classification (default true). */
  readonly trainHead?: boolean;
}

/**
 * LoRA: adapters on the attention projections; everything else but the head is frozen. The saved
 * model is a plain HF checkpoint: `savePretrained` writes W + s·B·A for every adapted weight and
 * leaves the factors out (see ParameterStore parametrisations); `merge(model)` folds them for good.
 * Trainer checkpoints keep the factors, so a run resumes with its adapters.
 *
 * Trainable parameters: Σ over adapted weights of r·(in + out), plus the head when `trainHead`.
 */
export class Lora implements TransferStrategy {
  readonly name = 'lora';
  readonly phase = 'initialise' as const;
  readonly conflictsWith = ['feature-extraction', 'gradual-unfreeze', 'chain-thaw'] as const;
  readonly rank: number;
  readonly alpha: number;
  readonly targets: readonly string[];
  readonly trainHead: boolean;
  /** The adapted weights of the last `prepareModel`. */
  adapted: string[] = [];

  constructor(options: LoraOptions = {}) {
    this.rank = options.rank ?? 8;
    this.alpha = options.alpha ?? 2 * this.rank;
    this.targets = options.targets ?? ['query', 'value'];
    this.trainHead = options.trainHead ?? true;
    if (!(Number.isInteger(this.rank) && this.rank >= 1)) throw new TlError('STRATEGY', `strategy "lora": rank must be a positive integer, got ${this.rank}`);
  }

  static fromOptions(raw: Readonly<Record<string, string>>): Lora {
    const o = new StrategyOptions('lora', raw);
    const rank = o.int('r', 8, { min: 1 });
    const strategy = new Lora({
      rank,
      alpha: o.number('alpha', 2 * rank, { above: 0 }),
      targets: o.list('targets', ['query', 'value']),
      trainHead: o.boolean('head', true),
    });
    o.done();
    return strategy;
  }

  /** The Linear weights of the encoder layers this configuration adapts. */
  targetWeights(model: Model): string[] {
    return model.parameters.names().filter((name) => {
      if (!name.endsWith('.weight') || typeof model.depthOf(name) !== 'number') return false;
      if (model.parameters.isAuxiliary(name) || model.parameters.get(name).rank !== 2) return false;
      const module = name.slice(0, -'.weight'.length);
      return this.targets.some((t) => module === t || module.endsWith(`.${t}`));
    });
  }

  prepareModel(ctx: StrategyContext): void {
    const store = ctx.model.parameters;
    const weights = this.targetWeights(ctx.model);
    if (weights.length === 0) {
      throw new TlError('STRATEGY', `strategy "lora": no encoder Linear matches targets ${this.targets.join('+')} in this ${ctx.model.modelType} model`);
    }
    weights.forEach((weight, i) => {
      // A second fit on the same model keeps the adapters it already has.
      if (store.parametrization(weight)) return;
      addLoraAdapter(store, { weight, rank: this.rank, alpha: this.alpha, seed: ctx.seed * 1009 + i });
    });
    this.adapted = weights;
  }

  parameterGroups(groups: readonly ParameterGroup[], ctx: StrategyContext): ParameterGroup[] {
    const { model } = ctx;
    const trains = (name: string) => model.parameters.isAuxiliary(name) || (this.trainHead && model.depthOf(name) === 'head');
    const out: ParameterGroup[] = [];
    for (const g of groups) {
      const live = g.parameterNames.filter(trains);
      const frozen = g.parameterNames.filter((n) => !trains(n));
      if (live.length > 0) out.push({ ...g, parameterNames: live });
      if (frozen.length > 0) out.push({ ...g, name: `${g.name}/frozen`, parameterNames: frozen, trainable: false });
    }
    return out;
  }

  /** The number of trainable scalars the formula gives: Σ r·(in + out) over adapted weights (+ head). */
  expectedTrainableCount(model: Model): number {
    let n = 0;
    for (const w of this.targetWeights(model)) {
      const [out, inFeatures] = model.parameters.get(w).shape as [number, number];
      n += this.rank * (inFeatures + out);
    }
    if (this.trainHead) for (const name of model.parameters.names()) if (model.depthOf(name) === 'head') n += model.parameters.get(name).size;
    return n;
  }

  /** Folds every adapter into its weight and removes the factors (the model is then a plain one). */
  static merge(model: Model): number {
    let merged = 0;
    for (const name of model.parameters.names()) {
      if (model.parameters.parametrization(name) && model.parameters.has(loraNames(name).a)) {
        mergeLoraAdapter(model.parameters, name);
        merged++;
      }
    }
    return merged;
  }
}
