import * as tf from '@tensorflow/tfjs-core';
import {
  loadModel,
  SeededRandom,
  StrategyOptions,
  TextTokenizer,
  TlError,
  type Example,
  type Model,
  type StrategyContext,
  type TransferStrategy,
} from '@tl/core';

export interface ContextualAugmentationOptions {
  /** A masked-LM model and its tokenizer (in code), or `model`: an HF folder holding both (CLI). */
  readonly mlm?: { readonly model: Model; readonly tokenizer: TextTokenizer };
  readonly model?: string;
  /** Augmented copies per example (default 1). */
  readonly copies?: number;
  /** Share of the (non-special) tokens replaced in a copy; at least one (default 0.15). */
  readonly p?: number;
  /** Sample each replacement from the model's k most likely tokens, the original excluded (default 10). */
  readonly topK?: number;
  /** Keep the originals beside their copies (default true). */
  readonly keepOriginal?: boolean;
  /** Longest input in tokens (default 128). */
  readonly maxLength?: number;
  readonly batchSize?: number;
}

/** One replacement made in a copy. */
export interface ContextualEdit {
  readonly position: number;
  readonly from: number;
  readonly to: number;
}

export interface ContextualCopy {
  readonly text: string;
  /** The masked input the model saw (the original ids with `[MASK]` at the replaced positions). */
  readonly maskedIds: readonly number[];
  readonly edits: readonly ContextualEdit[];
}

/**
 * Contextual augmentation (Kobayashi 2018; Wu et al. 2019 "conditional BERT"): tokens of a training
 * text are masked and replaced by a masked-LM's own predictions, drawn from its top-k (the original
 * token and special tokens excluded) in proportion to their probabilities. The copies keep the label.
 * Sampling is seeded by (seed, example, copy).
 */
export class ContextualAugmentation implements TransferStrategy {
  readonly name = 'contextual';
  readonly phase = 'data' as const;
  readonly copies: number;
  readonly p: number;
  readonly topK: number;
  readonly keepOriginal: boolean;
  readonly maxLength: number;
  readonly batchSize: number;

  constructor(private readonly options: ContextualAugmentationOptions) {
    this.copies = options.copies ?? 1;
    this.p = options.p ?? 0.15;
    this.topK = options.topK ?? 10;
    this.keepOriginal = options.keepOriginal ?? true;
    this.maxLength = options.maxLength ?? 128;
    this.batchSize = options.batchSize ?? 16;
    if (!options.mlm && options.model === undefined) throw new TlError('STRATEGY', 'strategy "contextual": needs a masked-LM model (model=DIR)');
  }

  static fromOptions(raw: Readonly<Record<string, string>>): ContextualAugmentation {
    const o = new StrategyOptions('contextual', raw);
    const model = o.string('model');
    const strategy = new ContextualAugmentation({
      ...(model !== undefined && { model }),
      copies: o.int('n', 1, { min: 1 }),
      p: o.number('p', 0.15, { above: 0, max: 1 }),
      topK: o.int('topk', 10, { min: 1 }),
      keepOriginal: o.boolean('original', true),
      maxLength: o.int('max-length', 128, { min: 4 }),
    });
    o.done();
    return strategy;
  }

  async transformDataset(examples: readonly Example[], ctx: StrategyContext): Promise<Example[]> {
    let mlm = this.options.mlm;
    let loaded: Model | undefined;
    if (!mlm) {
      const dir = this.options.model!;
      loaded = (await loadModel(dir, { task: 'masked-lm' })).model;
      mlm = { model: loaded, tokenizer: await TextTokenizer.fromFolder(dir) };
    }
    try {
      const copies = this.augment(examples.map((e) => e.text), mlm.model, mlm.tokenizer, ctx.seed);
      const out: Example[] = [];
      examples.forEach((e, i) => {
        if (this.keepOriginal) out.push(e);
        for (let c = 0; c < this.copies; c++) out.push({ ...e, text: copies[i * this.copies + c]!.text });
      });
      return out;
    } finally {
      loaded?.dispose();
    }
  }

  /** `copies` augmented versions of each text, example-major. */
  augment(texts: readonly string[], model: Model, tokenizer: TextTokenizer, seed: number): ContextualCopy[] {
    if (model.task !== 'masked-lm') throw new TlError('STRATEGY', `strategy "contextual": needs a masked-LM model, got ${model.task}`);
    const maskId = tokenizer.specialTokenIds.mask;
    const padId = tokenizer.specialTokenIds.pad ?? 0;
    if (maskId === undefined) throw new TlError('STRATEGY', `strategy "contextual": ${tokenizer.source} has no mask token`);
    const limit = Math.min(this.maxLength, maxPositions(model));
    const rows: { ids: number[]; positions: number[]; random: SeededRandom }[] = [];
    texts.forEach((text, i) => {
      const all = tokenizer.encode(text).ids;
      // Longer texts are cut to what the model can position, keeping the closing special token.
      const ids = all.length <= limit ? all : [...all.slice(0, limit - 1), all[all.length - 1]!];
      const candidates = ids.map((id, p) => (tokenizer.allSpecialIds.has(id) ? -1 : p)).filter((p) => p >= 0);
      for (let c = 0; c < this.copies; c++) {
        const random = new SeededRandom(Math.imul(seed + 0x632be5ab, 0x9e3779b1) ^ (i * 131 + c));
        const k = Math.min(candidates.length, Math.max(1, Math.round(this.p * candidates.length)));
        const positions = random.shuffle([...candidates]).slice(0, k).sort((a, b) => a - b);
        rows.push({ ids, positions, random });
      }
    });
    const out: ContextualCopy[] = [];
    for (let start = 0; start < rows.length; start += this.batchSize) {
      out.push(...this.fillBatch(rows.slice(start, start + this.batchSize), model, tokenizer, maskId, padId));
    }
    return out;
  }

  private fillBatch(
    rows: readonly { ids: number[]; positions: number[]; random: SeededRandom }[],
    model: Model,
    tokenizer: TextTokenizer,
    maskId: number,
    padId: number,
  ): ContextualCopy[] {
    const width = rows.reduce((w, r) => Math.max(w, r.ids.length), 0);
    const masked = rows.map((r) => {
      const m = [...r.ids];
      for (const p of r.positions) m[p] = maskId;
      return m;
    });
    const ids = new Int32Array(rows.length * width).fill(padId);
    const mask = new Int32Array(rows.length * width);
    masked.forEach((m, b) => m.forEach((id, s) => ((ids[b * width + s] = id), (mask[b * width + s] = 1))));
    const targets = rows.flatMap((r, b) => r.positions.map((p) => [b, p]));
    const vocab = tokenizer.vocabSize;
    const logits = tf.tidy(() => {
      const inputIds = tf.tensor2d(ids, [rows.length, width], 'int32');
      const attentionMask = tf.tensor2d(mask, [rows.length, width], 'int32');
      const withTypes = tokenizer.modelInputNames.includes('token_type_ids');
      const out = model.forward({ inputIds, attentionMask, ...(withTypes && { tokenTypeIds: tf.zerosLike(inputIds) as tf.Tensor2D }) });
      return tf.gatherND(out.logits!, tf.tensor2d(targets, [targets.length, 2], 'int32'));
    });
    const scores = logits.dataSync() as Float32Array;
    const v = logits.shape[1] ?? vocab;
    logits.dispose();
    let t = 0;
    return rows.map((r, b) => {
      const next = [...r.ids];
      const edits: ContextualEdit[] = [];
      for (const p of r.positions) {
        const to = this.sample(scores.subarray(t * v, (t + 1) * v), r.ids[p]!, tokenizer, r.random);
        t++;
        next[p] = to;
        edits.push({ position: p, from: r.ids[p]!, to });
      }
      return { text: tokenizer.decode(next, { skipSpecialTokens: true }), maskedIds: masked[b]!, edits };
    });
  }

  /** Draws from the top-k tokens (original and special ones excluded), weighted by their softmax probabilities. */
  private sample(scores: Float32Array, original: number, tokenizer: TextTokenizer, random: SeededRandom): number {
    const top = topK(scores, this.topK, (id) => id !== original && !tokenizer.allSpecialIds.has(id));
    if (top.length === 0) return original;
    const max = scores[top[0]!]!;
    const weights = top.map((id) => Math.exp(scores[id]! - max));
    let u = random.next() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < top.length; i++) {
      u -= weights[i]!;
      if (u < 0) return top[i]!;
    }
    return top[top.length - 1]!;
  }
}

/** Positions the model can embed: `max_position_embeddings`, less RoBERTa's padding offset. */
function maxPositions(model: Model): number {
  const max = model.config['max_position_embeddings'];
  const n = typeof max === 'number' ? max : 512;
  return model.modelType === 'roberta' ? n - 2 : n;
}

/** The ids of the k largest scores that pass `keep`, largest first (ties: smaller id first). */
export function topK(scores: Float32Array, k: number, keep: (id: number) => boolean): number[] {
  const best: number[] = [];
  for (let id = 0; id < scores.length; id++) {
    if (!keep(id)) continue;
    const s = scores[id]!;
    if (best.length === k && s <= scores[best[k - 1]!]!) continue;
    let at = best.length;
    while (at > 0 && scores[best[at - 1]!]! < s) at--;
    best.splice(at, 0, id);
    if (best.length > k) best.pop();
  }
  return best;
}
