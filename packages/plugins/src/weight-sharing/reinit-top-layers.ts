import { StrategyOptions, TlError, type StrategyContext, type TransferStrategy } from '@tl/core';
import { freshValue, initializerRange } from './initial-values.js';

export interface ReinitTopLayersOptions {
  /** How many encoder layers, from the top, to re-initialise (default 1). */
  readonly layers?: number;
  /** Re-initialise the pooler too (default true; Zhang et al. 2021 do). */
  readonly pooler?: boolean;
}

/**
 * Re-initialises the top `layers` encoder layers (and the pooler) before fine-tuning, as in "Revisiting
 * few-sample BERT fine-tuning" (Zhang et al. 2021): the top of a pretrained encoder is specialised
 * to the pretraining objective, and fresh layers often transfer better with little data. Values as
 * HF's `_init_weights`, seeded from the Trainer's seed. Runs after `share` when both are given.
 */
export class ReinitTopLayers implements TransferStrategy {
  readonly name = 'reinit';
  readonly phase = 'initialise' as const;
  readonly layers: number;
  readonly pooler: boolean;
  reinitialised: string[] = [];

  constructor(options: ReinitTopLayersOptions = {}) {
    this.layers = options.layers ?? 1;
    this.pooler = options.pooler ?? true;
  }

  static fromOptions(raw: Readonly<Record<string, string>>): ReinitTopLayers {
    const o = new StrategyOptions('reinit', raw);
    const strategy = new ReinitTopLayers({ layers: o.int('layers', 1, { min: 0 }), pooler: o.boolean('pooler', true) });
    o.done();
    return strategy;
  }

  prepareModel(ctx: StrategyContext): void {
    const { model } = ctx;
    if (this.layers > model.numLayers) {
      throw new TlError('STRATEGY', `strategy "reinit": layers=${this.layers} but the model has ${model.numLayers} layers`);
    }
    const range = initializerRange(model.config);
    this.reinitialised = model.parameters.names().filter((name) => {
      const d = model.depthOf(name);
      return (typeof d === 'number' && d >= model.numLayers - this.layers) || (this.pooler && name.includes('.pooler.'));
    });
    this.reinitialised.forEach((name, i) => {
      const v = model.parameters.get(name);
      const fresh = freshValue(name, v.shape, range, ctx.seed * 7919 + i);
      model.parameters.assign(name, fresh);
      fresh.dispose();
    });
  }
}
