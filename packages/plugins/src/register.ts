import { registerStrategy, type NamedStrategyFactory } from '@tl/core';
import { AuxiliaryData } from './enrichment/auxiliary/auxiliary-data.js';
import { ContextualAugmentation } from './enrichment/contextual/contextual-augmentation.js';
import { Eda } from './enrichment/eda/eda-strategy.js';
import { FeatureExtraction } from './feature-extraction/feature-extraction.js';
import { ChainThaw } from './layerwise/chain-thaw.js';
import { Freeze } from './layerwise/freeze.js';
import { GradualUnfreezing } from './layerwise/gradual-unfreezing.js';
import { createLayerwise } from './layerwise/layerwise.js';
import { LayerwiseLrDecay } from './layerwise/layerwise-lr-decay.js';
import { Lora } from './lora/lora.js';
import { ReinitTopLayers } from './weight-sharing/reinit-top-layers.js';
import { ShareWeights } from './weight-sharing/share-weights.js';

/** Every strategy this package provides, by the name `--strategy NAME:key=value` uses. */
export const BUILTIN_STRATEGIES: readonly NamedStrategyFactory[] = [
  { name: 'share', create: ShareWeights.fromOptions },
  { name: 'reinit', create: ReinitTopLayers.fromOptions },
  { name: 'eda', create: Eda.fromOptions },
  { name: 'contextual', create: ContextualAugmentation.fromOptions },
  { name: 'auxiliary', create: AuxiliaryData.fromOptions },
  { name: 'freeze', create: Freeze.fromOptions },
  { name: 'llrd', create: LayerwiseLrDecay.fromOptions },
  { name: 'gradual-unfreeze', create: GradualUnfreezing.fromOptions },
  { name: 'chain-thaw', create: ChainThaw.fromOptions },
  { name: 'layerwise', create: createLayerwise },
  { name: 'feature-extraction', create: FeatureExtraction.fromOptions },
  { name: 'lora', create: Lora.fromOptions },
];

/** Registers the built-in strategies in the root container (done on import of `@tl/plugins`). */
export function registerBuiltinStrategies(): void {
  for (const factory of BUILTIN_STRATEGIES) registerStrategy(factory);
}
