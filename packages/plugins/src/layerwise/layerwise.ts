import { StrategyOptions, TlError, type TransferStrategy } from '@tl/core';
import { CompositeStrategy } from '../compose/composite-strategy.js';
import { ChainThaw } from './chain-thaw.js';
import { Freeze } from './freeze.js';
import { GradualUnfreezing } from './gradual-unfreezing.js';
import { LayerwiseLrDecay } from './layerwise-lr-decay.js';

/**
 * `layerwise:llrd=0.9,freeze=2,unfreeze=gradual|chain-thaw,every=1,embeddings=true` — the layer-wise
 * strategies under one name, for command lines. Each key adds one part: `llrd` → LayerwiseLrDecay,
 * `freeze` → Freeze of the embeddings (unless `embeddings=false`) and the first N layers, `unfreeze`
 * → GradualUnfreezing or ChainThaw (`every` epochs per stage). Incompatible parts are refused as they
 * would be separately.
 */
export function createLayerwise(raw: Readonly<Record<string, string>>): TransferStrategy {
  const o = new StrategyOptions('layerwise', raw);
  const parts: TransferStrategy[] = [];
  if (o.has('freeze')) parts.push(new Freeze({ layers: o.int('freeze', 0, { min: 0 }), embeddings: o.boolean('embeddings', true) }));
  else o.boolean('embeddings', true);
  if (o.has('llrd')) parts.push(new LayerwiseLrDecay({ decay: o.number('llrd', 0.9, { above: 0, max: 1 }) }));
  const unfreeze = o.choice('unfreeze', ['none', 'gradual', 'chain-thaw'], 'none');
  const every = o.int('every', 1, { min: 1 });
  if (unfreeze === 'gradual') parts.push(new GradualUnfreezing({ every }));
  if (unfreeze === 'chain-thaw') parts.push(new ChainThaw({ every }));
  o.done();
  if (parts.length === 0) throw new TlError('STRATEGY', 'strategy "layerwise": give at least one of llrd=, freeze=, unfreeze=');
  for (const a of parts) {
    for (const b of parts) {
      if (a.conflictsWith?.includes(b.name)) throw new TlError('STRATEGY', `strategy "layerwise": ${a.name} and ${b.name} cannot be combined`);
    }
  }
  return new CompositeStrategy('layerwise', parts);
}
