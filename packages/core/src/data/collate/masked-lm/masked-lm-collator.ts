import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../../../errors/tl-error.js';
import type { TextTokenizer } from '../../../tokenization/text-tokenizer.js';
import { dropoutSeed } from '../../../training/loop/dropout-seed.js';
import type { Example } from '../../../training/trainer.js';
import { isPreEncoded } from '../../packing/pack-sequences.js';
import { SeededRandom } from '../../random/seeded-random.js';
import type { CollateContext, CollatedBatch, Collator } from '../collator.js';
import type { EncodedExample, PaddingCollator } from '../padding-collator.js';
import { tokenizerCollator } from '../tokenizer-collator.js';
import { checkMaskingOptions, choosePositions, IGNORE_INDEX, maskSequence, type MaskingOptions } from './mask-tokens.js';
import { wordIds, type WordBoundary } from './word-boundaries.js';

export interface MaskedLmCollatorOptions {
  /** Truncation limit; default the tokenizer's `model_max_length`. */
  readonly maxLength?: number;
  /** Fraction of tokens to predict (default 0.15). */
  readonly mlmProbability?: number;
  /** Of those, replaced by the mask token (default 0.8) ... */
  readonly maskReplaceProbability?: number;
  /** ... and by a random token (default 0.1); the rest stay as they are. */
  readonly randomReplaceProbability?: number;
  /** Mask whole words, found with this rule (see `wordBoundaryOf`); default: token-level masking. */
  readonly wholeWord?: WordBoundary;
  /** Seed of the masking (default 42); with the step and micro-batch index it fixes every mask. */
  readonly seed?: number;
  readonly padToMultipleOf?: number;
  /**
   * Batches name the masked positions (`predictPositions`) and carry labels for those only, so the
   * head projects ~15% of the tokens onto the vocabulary (default true), in training and evaluation.
   * Turn off for a model whose masked-LM head does not read `predictPositions`.
   */
  readonly predictOnlyMasked?: boolean;
}

/** Salt that keeps masking draws apart from the dropout seeds derived from the same (seed, step). */
const MASKING_SALT = 0x4d4c4d31; // "MLM1"

/**
 * Masked-LM batches (BERT pretraining): texts are encoded once (special tokens, truncation), padded
 * per batch, and 15% of the non-special tokens are chosen for prediction, of which 80% become the
 * mask token, 10% a random token and 10% stay; labels are the original ids there and -100 elsewhere.
 *
 * The masks of a training micro-batch are a pure function of (seed, step, micro-batch, row), as the
 * Trainer passes them in `context`, so a resumed run masks exactly as an uninterrupted one with no
 * generator state in the checkpoint. Evaluation batches (no context) mask each text by a hash of the
 * text itself: every evaluation sees the same masks, so eval losses are comparable across steps.
 */
export class MaskedLmCollator implements Collator {
  private readonly encoder: PaddingCollator;
  private readonly masking: MaskingOptions;
  private readonly special: ReadonlySet<number>;
  private readonly padTokenId: number;
  private readonly seed: number;
  private readonly wordCache = new WeakMap<Example, number[]>();

  constructor(
    private readonly tokenizer: TextTokenizer,
    private readonly o: MaskedLmCollatorOptions = {},
  ) {
    const { mask, pad } = tokenizer.specialTokenIds;
    if (mask === undefined) throw new TlError('TOKENIZER', `${tokenizer.source}: the tokenizer has no mask token (tokenizer_config.json mask_token), so it cannot train a masked LM`);
    if (pad === undefined) throw new TlError('TOKENIZER', `${tokenizer.source}: the tokenizer has no pad token, so batches cannot be padded`);
    this.padTokenId = pad;
    this.special = tokenizer.allSpecialIds;
    const randomTokenIds: number[] = [];
    for (let id = 0; id < tokenizer.vocabSize; id++) if (!this.special.has(id)) randomTokenIds.push(id);
    this.masking = {
      mlmProbability: o.mlmProbability ?? 0.15,
      maskReplaceProbability: o.maskReplaceProbability ?? 0.8,
      randomReplaceProbability: o.randomReplaceProbability ?? 0.1,
      maskTokenId: mask,
      randomTokenIds,
    };
    checkMaskingOptions(this.masking);
    this.seed = o.seed ?? 42;
    this.encoder = tokenizerCollator(tokenizer, {
      ...(o.maxLength !== undefined && { maxLength: o.maxLength }),
      ...(o.padToMultipleOf !== undefined && { padToMultipleOf: o.padToMultipleOf }),
    });
  }

  lengthOf(example: Example): number {
    return this.encoder.encoded(example).inputIds.length;
  }

  collate(examples: readonly Example[], context?: CollateContext): CollatedBatch {
    if (examples.length === 0) throw new TlError('INPUT', 'cannot collate an empty batch');
    const encoded = examples.map((e) => this.encoder.encoded(e));
    const m = this.o.padToMultipleOf ?? 1;
    const seq = Math.ceil(encoded.reduce((w, e) => Math.max(w, e.inputIds.length), 0) / m) * m;
    const n = examples.length;
    const ids = new Int32Array(n * seq).fill(this.padTokenId);
    const labels = new Int32Array(n * seq).fill(IGNORE_INDEX);
    const mask = new Int32Array(n * seq);
    const withTypes = encoded.some((e) => e.tokenTypeIds !== undefined);
    const types = withTypes ? new Int32Array(n * seq) : undefined;
    const left = this.tokenizer.paddingSide === 'left';
    examples.forEach((example, r) => {
      const e = encoded[r]!;
      const masked = this.mask(example, e, this.rowRandom(example, r, context));
      const start = r * seq + (left ? seq - e.inputIds.length : 0);
      ids.set(masked.inputIds, start);
      labels.set(masked.labels, start);
      mask.fill(1, start, start + e.inputIds.length);
      if (types && e.tokenTypeIds) types.set(e.tokenTypeIds, start);
    });
    const inputs = {
      inputIds: tf.tensor2d(ids, [n, seq], 'int32'),
      attentionMask: tf.tensor2d(mask, [n, seq], 'int32'),
      ...(types ? { tokenTypeIds: tf.tensor2d(types, [n, seq], 'int32') } : {}),
    };
    const positions: number[] = [];
    if (this.o.predictOnlyMasked ?? true) labels.forEach((l, i) => l !== IGNORE_INDEX && positions.push(i));
    if (positions.length > 0) {
      // Same loss as over [n, seq] labels: the ignored positions contributed nothing to it.
      return {
        inputs: { ...inputs, predictPositions: tf.tensor1d(positions, 'int32') },
        labels: tf.tensor1d(positions.map((i) => labels[i]!), 'int32'),
        size: n,
      };
    }
    return { inputs, labels: tf.tensor2d(labels, [n, seq], 'int32'), size: n };
  }

  private mask(example: Example, e: EncodedExample, rng: SeededRandom) {
    const special = e.inputIds.map((id) => this.special.has(id));
    const words = this.o.wholeWord ? this.wordsOf(example, e, special) : undefined;
    const chosen = choosePositions(special, words, this.masking.mlmProbability, rng);
    return maskSequence(e.inputIds, chosen, this.masking, rng);
  }

  private wordsOf(example: Example, e: EncodedExample, special: readonly boolean[]): number[] {
    let words = this.wordCache.get(example);
    if (!words) {
      const tokens = e.inputIds.map((id) => this.tokenizer.idToToken(id) ?? '');
      words = wordIds(tokens, special, this.o.wholeWord!);
      this.wordCache.set(example, words);
    }
    return words;
  }

  private rowRandom(example: Example, row: number, context: CollateContext | undefined): SeededRandom {
    const base = (this.seed ^ MASKING_SALT) >>> 0;
    const seed = context
      ? dropoutSeed(dropoutSeed(base, context.step, context.microBatch), row, 0)
      : dropoutSeed(base, 0, stringHash(isPreEncoded(example) ? example.key : example.textPair === undefined ? example.text : `${example.text}\u0000${example.textPair}`));
    return new SeededRandom(seed);
  }
}

/** FNV-1a over UTF-16 code units: a stable 32-bit key for a text (its evaluation masks). */
function stringHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
