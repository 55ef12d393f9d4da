/**
 * Writing your own transfer strategy: freeze the encoder layers that have stopped learning.
 *
 * A strategy is a plain object implementing `TransferStrategy` from @tl/core: pick the lifecycle
 * hooks you need (here: split the parameter groups per layer, then watch each layer's gradient norm
 * after every backward pass) and register a factory under a name. Importing this module registers
 * `freeze-quiet-layers`, so the CLI can use it by name through a plugin module path:
 *
 *   tl finetune ... --plugin ./custom-strategy.js --strategy freeze-quiet-layers:threshold=1e-3,patience=20
 *
 * (Node runs TypeScript plugins from 22.18 on, or through tsx; otherwise compile this file to .js.)
 * In code: `new FreezeQuietLayers({ threshold: 1e-3, patience: 20 })` in `Trainer({ strategies })`.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  registerStrategy,
  StrategyOptions,
  type GradientContext,
  type Model,
  type ParameterGroup,
  type StrategyContext,
  type TransferStrategy,
} from '@tl/core';

export interface FreezeQuietLayersOptions {
  /** A layer whose gradient L2 norm stays below this ... */
  readonly threshold: number;
  /** ... for this many consecutive optimizer steps is frozen for the rest of the run. */
  readonly patience: number;
}

/** The layer group a parameter belongs to: `embeddings`, `layer.3`, or `head` (never frozen here). */
function layerOf(model: Model, name: string): string {
  const depth = model.depthOf(name);
  return typeof depth === 'number' ? `layer.${depth}` : depth;
}

export class FreezeQuietLayers implements TransferStrategy {
  readonly name = 'freeze-quiet-layers';
  readonly phase = 'schedule' as const;
  // Other strategies that decide which layers train would fight with this one.
  readonly conflictsWith = ['gradual-unfreeze', 'chain-thaw', 'feature-extraction'];
  /** Consecutive quiet steps per layer group. */
  private readonly quiet = new Map<string, number>();
  /** Layer groups frozen so far, with the step whose update first skipped them. */
  readonly frozenAt = new Map<string, number>();
  private model?: Model;

  constructor(readonly options: FreezeQuietLayersOptions) {}

  /** The factory the CLI calls with `key=value` options. */
  static fromOptions(raw: Readonly<Record<string, string>>): FreezeQuietLayers {
    const o = new StrategyOptions('freeze-quiet-layers', raw);
    const strategy = new FreezeQuietLayers({
      threshold: o.number('threshold', 1e-3, { min: 0 }),
      patience: o.int('patience', 20, { min: 1 }),
    });
    o.done(); // a typo in an option name is an error, not a silently ignored key
    return strategy;
  }

  /** One group per (original group, layer), so a layer can be frozen on its own. */
  parameterGroups(groups: readonly ParameterGroup[], ctx: StrategyContext): ParameterGroup[] {
    this.model = ctx.model;
    return groups.flatMap((g) => {
      const byLayer = new Map<string, string[]>();
      for (const name of g.parameterNames) {
        const layer = layerOf(ctx.model, name);
        byLayer.set(layer, [...(byLayer.get(layer) ?? []), name]);
      }
      return [...byLayer].map(([layer, names]) => ({ ...g, name: `${g.name}/${layer}`, parameterNames: names }));
    });
  }

  /** After backward: measure each layer's gradient norm; freeze the layers quiet for `patience` steps. */
  onAfterBackward(ctx: GradientContext & { groups: ParameterGroup[] }): void {
    const model = this.model ?? ctx.model;
    const layers = [...new Set([...ctx.gradients.keys()].map((n) => layerOf(model, n)))].filter((l) => l !== 'head');
    if (layers.length === 0) return; // every layer frozen already: only the head has gradients
    // One read-back for all layers: sum of squared gradients per layer, stacked.
    const norms = tf.tidy(() => {
      const perLayer = layers.map((layer) => {
        const squares = [...ctx.gradients].filter(([n]) => layerOf(model, n) === layer).map(([, g]) => tf.sum(tf.square(g)));
        return tf.sqrt(tf.addN(squares));
      });
      return tf.stack(perLayer).dataSync();
    });
    layers.forEach((layer, i) => {
      const count = norms[i]! < this.options.threshold ? (this.quiet.get(layer) ?? 0) + 1 : 0;
      this.quiet.set(layer, count);
      if (count < this.options.patience || this.frozenAt.has(layer)) return;
      this.frozenAt.set(layer, ctx.state.step + 1); // state.step counts completed steps; this is the next one
      // The Trainer hands strategies its live groups: the optimizer reads them after this hook, so a
      // group replaced here is already left out of this step's update.
      ctx.groups.forEach((g, k) => {
        if (g.name.endsWith(`/${layer}`)) ctx.groups[k] = { ...g, trainable: false };
      });
    });
  }
}

registerStrategy({ name: 'freeze-quiet-layers', create: FreezeQuietLayers.fromOptions });
