import { StrategyOptions, type HookContext, type Model, type ParameterGroup, type StrategyContext, type TransferStrategy } from '@tl/core';
import { groupDepthFromTop, setTrainable, splitGroupsByDepth } from './depth-groups.js';

export interface GradualUnfreezingOptions {
  /** Epochs between two unfreezings (default 1: one more layer group each epoch). */
  readonly every?: number;
}

/**
 * ULMFiT's gradual unfreezing (Howard & Ruder 2018): training starts with only the head trainable,
 * and at the start of every `every`-th epoch the next layer group down is unfrozen (top encoder layer
 * first, the embeddings last), so after L+1 unfreezings the whole model trains. With epoch index e,
 * the groups at depth-from-top ≤ ⌊e / every⌋ are trainable.
 */
export class GradualUnfreezing implements TransferStrategy {
  readonly name = 'gradual-unfreeze';
  readonly phase = 'schedule' as const;
  readonly conflictsWith = ['freeze', 'chain-thaw', 'feature-extraction', 'lora'] as const;
  readonly every: number;
  private model?: Model;

  constructor(options: GradualUnfreezingOptions = {}) {
    this.every = options.every ?? 1;
  }

  static fromOptions(raw: Readonly<Record<string, string>>): GradualUnfreezing {
    const o = new StrategyOptions('gradual-unfreeze', raw);
    const strategy = new GradualUnfreezing({ every: o.int('every', 1, { min: 1 }) });
    o.done();
    return strategy;
  }

  /** Deepest trainable depth-from-top in epoch `epoch` (0-based). */
  unfrozenDepth(epoch: number): number {
    return Math.floor(epoch / this.every);
  }

  parameterGroups(groups: readonly ParameterGroup[], ctx: StrategyContext): ParameterGroup[] {
    this.model = ctx.model;
    return splitGroupsByDepth(groups, ctx.model).map((g) => (groupDepthFromTop(g, ctx.model) > 0 ? { ...g, trainable: false } : g));
  }

  onEpochStart(ctx: HookContext & { groups: ParameterGroup[] }): void {
    const model = this.model ?? ctx.model;
    const limit = this.unfrozenDepth(Math.round(ctx.state.epoch));
    setTrainable(ctx.groups, (g) => groupDepthFromTop(g, model) <= limit);
  }
}
