import { StrategyOptions, TlError, type Model, type ParameterGroup, type TransferStrategy } from '@tl/core';
import { groupDepth, splitGroupsByDepth } from './depth-groups.js';

export interface FreezeOptions {
  /** Freeze the embeddings (default true). */
  readonly embeddings?: boolean;
  /** Freeze encoder layers 0 … layers-1 (default 0). */
  readonly layers?: number;
}

/**
 * Freezes the bottom of the stack for the whole run: the embeddings and the first `layers` encoder
 * layers. Frozen parameters get no gradient, no weight decay and no optimizer state, so they end
 * the run bit-identical to how they started.
 */
export class Freeze implements TransferStrategy {
  readonly name = 'freeze';
  readonly phase = 'optimisation' as const;
  readonly conflictsWith = ['gradual-unfreeze', 'chain-thaw', 'feature-extraction'] as const;
  readonly embeddings: boolean;
  readonly layers: number;

  constructor(options: FreezeOptions = {}) {
    this.embeddings = options.embeddings ?? true;
    this.layers = options.layers ?? 0;
  }

  static fromOptions(raw: Readonly<Record<string, string>>): Freeze {
    const o = new StrategyOptions('freeze', raw);
    const strategy = new Freeze({ embeddings: o.boolean('embeddings', true), layers: o.int('layers', 0, { min: 0 }) });
    o.done();
    return strategy;
  }

  /** Whether a parameter at this depth stays frozen. */
  isFrozen(depth: ReturnType<Model['depthOf']>): boolean {
    if (depth === 'embeddings') return this.embeddings;
    return typeof depth === 'number' && depth < this.layers;
  }

  parameterGroups(groups: readonly ParameterGroup[], ctx: { model: Model }): ParameterGroup[] {
    const { model } = ctx;
    if (this.layers > model.numLayers) {
      // Freezing more layers than exist is almost surely a mistake in the spec; say so at setup.
      throw new TlError('STRATEGY', `strategy "freeze": layers=${this.layers} but the model has ${model.numLayers} layers`);
    }
    return splitGroupsByDepth(groups, model).map((g) => {
      const d = groupDepth(g, model);
      return d !== undefined && this.isFrozen(d) ? { ...g, trainable: false } : g;
    });
  }
}
