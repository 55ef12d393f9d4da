import { StrategyOptions, type HookContext, type Model, type ParameterGroup, type StrategyContext, type TransferStrategy } from '@tl/core';
import { groupDepth, setTrainable, splitGroupsByDepth } from './depth-groups.js';

export interface ChainThawOptions {
  /** Epochs per stage (default 1). */
  readonly every?: number;
}

/**
 * Chain-thaw (Felbo et al. 2017, DeepMoji): first only the new head trains; then each layer alone,
 * from the bottom (embeddings, layer 0, ..., top layer); finally everything. Stages change at epoch
 * starts, `every` epochs each, so a model with L layers needs (L + 3) × every epochs to reach the
 * last stage (it stays there afterwards).
 */
export class ChainThaw implements TransferStrategy {
  readonly name = 'chain-thaw';
  readonly phase = 'schedule' as const;
  readonly conflictsWith = ['freeze', 'gradual-unfreeze', 'feature-extraction', 'lora'] as const;
  readonly every: number;
  private model?: Model;

  constructor(options: ChainThawOptions = {}) {
    this.every = options.every ?? 1;
  }

  static fromOptions(raw: Readonly<Record<string, string>>): ChainThaw {
    const o = new StrategyOptions('chain-thaw', raw);
    const strategy = new ChainThaw({ every: o.int('every', 1, { min: 1 }) });
    o.done();
    return strategy;
  }

  /** Stages: 0 = head, 1 = embeddings, 2 + i = layer i, L + 2 = all. */
  stageCount(numLayers: number): number {
    return numLayers + 3;
  }

  stageAt(epoch: number, numLayers: number): number {
    return Math.min(Math.floor(epoch / this.every), this.stageCount(numLayers) - 1);
  }

  /** Whether a parameter at `depth` trains in `stage`. */
  trainsIn(stage: number, depth: ReturnType<Model['depthOf']>, numLayers: number): boolean {
    if (stage === numLayers + 2) return true;
    if (stage === 0) return depth === 'head';
    if (stage === 1) return depth === 'embeddings';
    return depth === stage - 2;
  }

  parameterGroups(groups: readonly ParameterGroup[], ctx: StrategyContext): ParameterGroup[] {
    this.model = ctx.model;
    return splitGroupsByDepth(groups, ctx.model).map((g) => {
      const d = groupDepth(g, ctx.model);
      return d === undefined || this.trainsIn(0, d, ctx.model.numLayers) ? g : { ...g, trainable: false };
    });
  }

  onEpochStart(ctx: HookContext & { groups: ParameterGroup[] }): void {
    const model = this.model ?? ctx.model;
    const stage = this.stageAt(Math.round(ctx.state.epoch), model.numLayers);
    setTrainable(ctx.groups, (g) => {
      const d = groupDepth(g, model);
      // A group spanning several depths (none after the split) is treated like the head.
      return this.trainsIn(stage, d ?? 'head', model.numLayers);
    });
  }
}

