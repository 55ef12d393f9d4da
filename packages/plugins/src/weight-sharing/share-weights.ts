import { loadModel, StrategyOptions, TlError, type Model, type StrategyContext, type TransferStrategy } from '@tl/core';
import { selectParameters, type Selector } from './select-parameters.js';

export interface ShareWeightsOptions {
  /** The model to copy from; default the Trainer's `source`, else the folder in `from`. */
  readonly source?: Model;
  /** An HF folder to load the source from (CLI: `share:from=DIR`). */
  readonly from?: string;
  /** What to copy (default `encoder`): see `Selector`. */
  readonly select?: readonly Selector[];
}

/**
 * Weight sharing by initialisation: copies the selected parameters from a source model into the model
 * before training (all of the encoder, or a part such as `embeddings+layers.0-3`). Names are matched
 * as they are, or with the base prefix (`bert.`) added or removed, so a bare encoder checkpoint
 * initialises a task model. A selected parameter the source lacks, or has in another shape, is an
 * error at setup: a silent partial copy would hide a wrong source.
 */
export class ShareWeights implements TransferStrategy {
  readonly name = 'share';
  readonly phase = 'initialise' as const;
  readonly select: readonly Selector[];
  /** Names copied by the last `prepareModel`. */
  copied: string[] = [];

  constructor(private readonly options: ShareWeightsOptions = {}) {
    this.select = options.select ?? ['encoder'];
  }

  static fromOptions(raw: Readonly<Record<string, string>>): ShareWeights {
    const o = new StrategyOptions('share', raw);
    const from = o.string('from');
    const strategy = new ShareWeights({ ...(from !== undefined && { from }), select: o.list('select', ['encoder']) });
    o.done();
    return strategy;
  }

  async prepareModel(ctx: StrategyContext): Promise<void> {
    let source = this.options.source ?? ctx.source;
    let loaded: Model | undefined;
    if (!source) {
      if (this.options.from === undefined) {
        throw new TlError('STRATEGY', 'strategy "share": no source model (give the Trainer a source, or share:from=DIR)');
      }
      loaded = (await loadModel(this.options.from)).model;
      source = loaded;
    }
    try {
      this.copied = copyParameters(source, ctx.model, selectParameters(ctx.model, this.select, 'share'));
    } finally {
      loaded?.dispose();
    }
  }
}

/** Copies `names` of `target` from `source` (matching names modulo the base prefix); returns the names copied. */
export function copyParameters(source: Model, target: Model, names: readonly string[]): string[] {
  for (const name of names) {
    const from = sourceName(source, target, name);
    if (from === undefined) throw new TlError('STRATEGY', `strategy "share": the source has no parameter for ${name}`);
    const value = source.parameters.get(from);
    if (value === target.parameters.get(name)) continue; // already the same variable (shared encoder)
    const shape = target.parameters.get(name).shape;
    if (value.shape.join() !== shape.join()) {
      throw new TlError('STRATEGY', `strategy "share": source ${from} is [${value.shape.join(', ')}] but ${name} is [${shape.join(', ')}]`);
    }
    target.parameters.assign(name, value);
  }
  return [...names];
}

function sourceName(source: Model, target: Model, name: string): string | undefined {
  if (source.parameters.has(name)) return name;
  // HF task models keep the encoder under the family's base prefix (`bert.`), bare encoders do not.
  const prefix = `${target.modelType}.`;
  const alternative = name.startsWith(prefix) ? name.slice(prefix.length) : `${prefix}${name}`;
  return source.parameters.has(alternative) ? alternative : undefined;
}
