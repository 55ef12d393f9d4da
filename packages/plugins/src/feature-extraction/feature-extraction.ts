import { StrategyOptions, TlError, type Model, type ParameterGroup, type StrategyContext, type TransferStrategy } from '@tl/core';
import { CachedFeatureModel, canRunHead } from './cached-feature-model.js';

/**
 * Feature extraction: the encoder is frozen and only the head trains, on features computed once per
 * distinct input and cached (training and in-loop evaluation both read the cache). Epochs after the
 * first cost only the head's forward and backward.
 */
export class FeatureExtraction implements TransferStrategy {
  readonly name = 'feature-extraction';
  readonly phase = 'optimisation' as const;
  readonly conflictsWith = ['freeze', 'gradual-unfreeze', 'chain-thaw', 'lora'] as const;
  /** The cache of the current (or last) run. */
  cache?: CachedFeatureModel;

  static fromOptions(raw: Readonly<Record<string, string>>): FeatureExtraction {
    new StrategyOptions('feature-extraction', raw).done();
    return new FeatureExtraction();
  }

  wrapModel(model: Model): Model {
    if (!canRunHead(model)) {
      throw new TlError('STRATEGY', `strategy "feature-extraction": the ${model.modelType} model cannot run its head alone (needs forwardHead)`);
    }
    this.cache = new CachedFeatureModel(model);
    return this.cache;
  }

  parameterGroups(groups: readonly ParameterGroup[], ctx: StrategyContext): ParameterGroup[] {
    const head = (n: string) => ctx.model.depthOf(n) === 'head';
    const out: ParameterGroup[] = [];
    for (const g of groups) {
      const live = g.parameterNames.filter(head);
      const frozen = g.parameterNames.filter((n) => !head(n));
      if (live.length > 0) out.push({ ...g, parameterNames: live });
      if (frozen.length > 0) out.push({ ...g, name: `${g.name}/encoder`, parameterNames: frozen, trainable: false });
    }
    return out;
  }

  onTrainEnd(): void {
    // The features are only valid for these encoder weights; free them rather than keep them for a later run.
    this.cache?.clear();
  }
}
