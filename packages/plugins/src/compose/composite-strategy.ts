import type {
  Example,
  GradientContext,
  HookContext,
  Model,
  ParameterGroup,
  StrategyContext,
  StrategyPhase,
  TransferStrategy,
} from '@tl/core';

/**
 * Several strategies presented as one (`layerwise:llrd=0.9,unfreeze=gradual` builds LLRD and gradual
 * unfreezing). Every hook runs the parts' hooks in order; the composite acts in the earliest phase
 * among its parts and conflicts with whatever any part conflicts with, and with the parts' own names
 * (so `layerwise:freeze=2` beside `freeze` is refused, not applied twice).
 */
export class CompositeStrategy implements TransferStrategy {
  readonly phase: StrategyPhase;
  readonly conflictsWith: readonly string[];

  constructor(
    readonly name: string,
    readonly parts: readonly TransferStrategy[],
  ) {
    const order: readonly StrategyPhase[] = ['initialise', 'data', 'optimisation', 'schedule'];
    this.phase = parts.map((p) => p.phase).sort((a, b) => order.indexOf(a) - order.indexOf(b))[0] ?? 'optimisation';
    this.conflictsWith = [...new Set(parts.flatMap((p) => [p.name, ...(p.conflictsWith ?? [])]))];
  }

  async prepareModel(ctx: StrategyContext): Promise<void> {
    for (const p of this.parts) await p.prepareModel?.(ctx);
  }

  wrapModel(model: Model, ctx: StrategyContext): Model {
    return this.parts.reduce((m, p) => p.wrapModel?.(m, ctx) ?? m, model);
  }

  async transformDataset(examples: readonly Example[], ctx: StrategyContext): Promise<readonly Example[]> {
    let data = examples;
    for (const p of this.parts) if (p.transformDataset) data = await p.transformDataset(data, ctx);
    return data;
  }

  parameterGroups(groups: readonly ParameterGroup[], ctx: StrategyContext): readonly ParameterGroup[] {
    return this.parts.reduce<readonly ParameterGroup[]>((g, p) => p.parameterGroups?.(g, ctx) ?? g, groups);
  }

  onEpochStart(ctx: HookContext & { groups: ParameterGroup[] }): void {
    for (const p of this.parts) p.onEpochStart?.(ctx);
  }

  onStepStart(ctx: HookContext & { groups: ParameterGroup[] }): void {
    for (const p of this.parts) p.onStepStart?.(ctx);
  }

  onAfterBackward(ctx: GradientContext & { groups: ParameterGroup[] }): void {
    for (const p of this.parts) p.onAfterBackward?.(ctx);
  }

  async onTrainEnd(ctx: StrategyContext): Promise<void> {
    for (const p of this.parts) await p.onTrainEnd?.(ctx);
  }
}
