import type * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../../errors/tl-error.js';
import type { ParameterStore } from '../../nn/parameter-store.js';
import type { ParameterGroup } from '../../transfer/transfer-strategy.js';
import type { OptimizerGroup } from './adamw.js';

/**
 * Name fragments of parameters the HF Trainer keeps out of weight decay: biases and LayerNorm weights
 * (HF finds LayerNorms by module type; by name that is `LayerNorm.weight` in BERT/RoBERTa and
 * `*layer_norm.weight` in DistilBERT).
 */
export const DEFAULT_NO_DECAY: readonly string[] = ['bias', 'LayerNorm.weight', 'layer_norm.weight'];

export interface DefaultGroupsOptions {
  readonly weightDecay: number;
  /** A parameter whose name contains any of these is not decayed. `[]` decays everything. */
  readonly noDecay?: readonly string[];
}

/** HF's two default groups: `decay` (weightDecay) and `no_decay` (0); empty groups are left out. */
export function defaultParameterGroups(params: ParameterStore, options: DefaultGroupsOptions): ParameterGroup[] {
  const noDecay = options.noDecay ?? DEFAULT_NO_DECAY;
  const decay: string[] = [];
  const keep: string[] = [];
  for (const name of params.names()) (noDecay.some((p) => name.includes(p)) ? keep : decay).push(name);
  const groups: ParameterGroup[] = [];
  if (decay.length > 0) groups.push({ name: 'decay', parameterNames: decay, lrScale: 1, weightDecay: options.weightDecay, trainable: true });
  if (keep.length > 0) groups.push({ name: 'no_decay', parameterNames: keep, lrScale: 1, weightDecay: 0, trainable: true });
  return groups;
}

/**
 * Checks groups against the model: every name must exist, and no parameter may sit in two groups
 * (it would be updated twice per step). Parameters in no group are not trained.
 */
export function validateParameterGroups(groups: readonly ParameterGroup[], params: ParameterStore): void {
  const owner = new Map<string, string>();
  for (const g of groups) {
    if (!(g.lrScale >= 0) || !Number.isFinite(g.lrScale)) {
      throw new TlError('STRATEGY', `parameter group "${g.name}": lrScale must be a finite number >= 0, got ${g.lrScale}`);
    }
    if (!(g.weightDecay >= 0) || !Number.isFinite(g.weightDecay)) {
      throw new TlError('STRATEGY', `parameter group "${g.name}": weightDecay must be a finite number >= 0, got ${g.weightDecay}`);
    }
    for (const name of g.parameterNames) {
      if (!params.has(name)) throw new TlError('STRATEGY', `parameter group "${g.name}" names ${name}, which the model does not have`);
      // A tied alias is the same tensor as its owner: listing both would update it twice.
      const canonical = params.tiedAliases().get(name) ?? name;
      const prev = owner.get(canonical);
      if (prev !== undefined) throw new TlError('STRATEGY', `parameter ${name} is in two groups: "${prev}" and "${g.name}"`);
      owner.set(canonical, g.name);
    }
  }
}

/** The optimizer's view of the groups for one step: variables resolved, lr = scheduled lr × lrScale. */
export function toOptimizerGroups(
  groups: readonly ParameterGroup[],
  params: ParameterStore,
  scheduledLrs: readonly number[],
): OptimizerGroup[] {
  return groups.map((g, i) => ({
    name: g.name,
    params: g.parameterNames.map((name) => ({ name, variable: params.get(name) as tf.Variable })),
    lr: scheduledLrs[i] ?? 0,
    weightDecay: g.weightDecay,
    trainable: g.trainable,
  }));
}

/** The variables that need gradients: those of trainable groups, in group order. */
export function trainableVariables(groups: readonly ParameterGroup[], params: ParameterStore): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const g of groups) if (g.trainable) for (const name of g.parameterNames) out.set(name, params.get(name));
  return out;
}
