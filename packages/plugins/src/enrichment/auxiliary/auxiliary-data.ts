import { accessSync, constants, statSync } from 'node:fs';
import { loadDataset, SeededRandom, StrategyOptions, TlError, labelMapFromLabel2Id, type Example, type StrategyContext, type TransferStrategy } from '@tl/core';

export interface AuxiliaryDataOptions {
  /** Labeled examples of the auxiliary task, with labels in the target's label space. */
  readonly examples?: readonly Example[];
  /** A JSONL/CSV/TSV file of them (CLI: `auxiliary:file=aux.jsonl`); string labels map through the model's label2id. */
  readonly file?: string;
  readonly textField?: string;
  readonly labelField?: string;
  /** Auxiliary examples mixed in per target example (default 0.5: one for every two). */
  readonly ratio?: number;
}

/**
 * Enrichment with labeled data from an auxiliary task that shares the target's labels (another domain,
 * a weaker labeler, a related corpus): round(ratio × |train|) auxiliary examples, drawn without
 * replacement by a seeded shuffle (all of them when there are fewer), are added to the training set.
 */
export class AuxiliaryData implements TransferStrategy {
  readonly name = 'auxiliary';
  readonly phase = 'data' as const;
  readonly ratio: number;
  /** How many auxiliary examples the last run mixed in. */
  mixed = 0;

  constructor(private readonly options: AuxiliaryDataOptions) {
    this.ratio = options.ratio ?? 0.5;
    if (!(this.ratio > 0)) throw new TlError('STRATEGY', `strategy "auxiliary": ratio must be > 0, got ${this.ratio}`);
    if (!options.examples && !options.file) throw new TlError('STRATEGY', 'strategy "auxiliary": give examples or file=PATH');
  }

  static fromOptions(raw: Readonly<Record<string, string>>): AuxiliaryData {
    const o = new StrategyOptions('auxiliary', raw);
    const file = o.string('file');
    if (file !== undefined && file !== '') requireReadableFile(file);
    const strategy = new AuxiliaryData({
      ...(file !== undefined && { file }),
      ratio: o.number('ratio', 0.5, { above: 0 }),
      textField: o.string('text', 'text'),
      labelField: o.string('label', 'label'),
    });
    o.done();
    return strategy;
  }

  async transformDataset(examples: readonly Example[], ctx: StrategyContext): Promise<Example[]> {
    const auxiliary = this.options.examples ?? (await this.load(ctx));
    const want = Math.min(auxiliary.length, Math.round(this.ratio * examples.length));
    const order = new SeededRandom(ctx.seed ^ 0x5bd1e995).shuffle(auxiliary.map((_, i) => i));
    this.mixed = want;
    return [...examples, ...order.slice(0, want).map((i) => auxiliary[i]!)];
  }

  private async load(ctx: StrategyContext): Promise<Example[]> {
    const raw = ctx.model.config['label2id'];
    const label2id = raw !== null && typeof raw === 'object' ? (raw as Record<string, number>) : undefined;
    const numLabels = ctx.model.config['id2label'] ? Object.keys(ctx.model.config['id2label'] as object).length : undefined;
    const dataset = await loadDataset(this.options.file!, {
      textField: this.options.textField ?? 'text',
      labelField: this.options.labelField ?? 'label',
      ...(label2id !== undefined && { labelMap: labelMapFromLabel2Id(label2id, 'config.json') }),
      ...(numLabels !== undefined && { numLabels }),
    });
    return dataset.examples;
  }
}

/**
 * The file is parsed in `transformDataset`, when the model's label map is known, but that comes after
 * the model and the training data are loaded: whether it can be opened at all is checked with the spec
 * (as the plugins README promises for bad values), so a typo in the path fails in milliseconds.
 */
function requireReadableFile(file: string): void {
  try {
    if (!statSync(file).isFile()) throw new TlError('STRATEGY', `strategy "auxiliary": file=${file} is not a file`);
    accessSync(file, constants.R_OK);
  } catch (e) {
    if (e instanceof TlError) throw e;
    throw new TlError('STRATEGY', `strategy "auxiliary": file=${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { cause: e });
  }
}
