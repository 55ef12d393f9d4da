import { StrategyOptions, type Model, type ParameterGroup, type TransferStrategy } from '@tl/core';
import { groupDepthFromTop, splitGroupsByDepth } from './depth-groups.js';

export interface LayerwiseLrDecayOptions {
  /** Per-layer factor: a group `d` layers below the head trains at lr × decay^d (default 0.9). */
  readonly decay?: number;
}

/**
 * Discriminative learning rates / layer-wise lr decay (Howard & Ruder 2018; Clark et al. 2020): the
 * head trains at the scheduled lr, the top encoder layer at lr × decay, the one below at lr × decay²,
 * down to the embeddings at lr × decay^(L+1). Implemented as each depth group's `lrScale`, so it
 * multiplies whatever schedule the Trainer runs, at every step.
 */
export class LayerwiseLrDecay implements TransferStrategy {
  readonly name = 'llrd';
  readonly phase = 'optimisation' as const;
  readonly decay: number;

  constructor(options: LayerwiseLrDecayOptions = {}) {
    this.decay = options.decay ?? 0.9;
  }

  static fromOptions(raw: Readonly<Record<string, string>>): LayerwiseLrDecay {
    const o = new StrategyOptions('llrd', raw);
    const strategy = new LayerwiseLrDecay({ decay: o.number('decay', 0.9, { above: 0, max: 1 }) });
    o.done();
    return strategy;
  }

  /** The lr multiplier of a group `depthFromTop` layers below the head. */
  scaleAt(depthFromTop: number): number {
    return this.decay ** depthFromTop;
  }

  parameterGroups(groups: readonly ParameterGroup[], ctx: { model: Model }): ParameterGroup[] {
    return splitGroupsByDepth(groups, ctx.model).map((g) => ({ ...g, lrScale: g.lrScale * this.scaleAt(groupDepthFromTop(g, ctx.model)) }));
  }
}
