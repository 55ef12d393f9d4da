import { TlError } from '../errors/tl-error.js';
import { addedTokenCount, applyTemplate, type AssembledSequence } from './special-tokens-template.js';
import { keptLengths, truncateRun, type TruncationStrategy } from './truncation.js';
import { padSequence, roundUpToMultiple } from './padding.js';
import type { TextTokenizer } from './text-tokenizer.js';

/** One example: a text, or a text pair (NLI, QA-style tasks). */
export interface TextInput {
  readonly text: string;
  readonly textPair?: string;
}

/** HF `padding=`: to the longest row of the batch, to `maxLength`, or not at all (rows stay ragged). */
export type PaddingStrategy = 'longest' | 'max_length' | false;

export interface EncodeBatchOptions {
  /** Length limit for truncation and for `padding: 'max_length'`. Default: the tokenizer's model_max_length. */
  readonly maxLength?: number;
  /** Default `'longest'` (HF `padding=True`). */
  readonly padding?: PaddingStrategy;
  /** Default `'longest_first'` (HF `truncation=True`); `false` keeps every token. No-op without a length limit. */
  readonly truncation?: TruncationStrategy | false;
  /** Default: whether tokenizer_config's `model_input_names` lists `token_type_ids` (as HF decides). */
  readonly returnTokenTypeIds?: boolean;
  /** Round the padded length up to a multiple of this (HF `pad_to_multiple_of`). */
  readonly padToMultipleOf?: number;
}

/** Model inputs as plain arrays, one row per input; rectangular unless `padding: false`. */
export interface BatchEncoding {
  readonly inputIds: number[][];
  readonly attentionMask: number[][];
  readonly tokenTypeIds?: number[][];
}

function checkPositiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value <= 0)) {
    throw new TlError('INPUT', `${name} must be a positive integer, got ${value}`);
  }
}

/**
 * Encodes texts (and text pairs) the way an HF fast tokenizer's `__call__` does: each bare segment is
 * tokenized, the pair is truncated to `maxLength` minus the special tokens of the post-processor,
 * the post-processor template adds special tokens and type ids, and rows are padded on the
 * tokenizer's padding side with its pad token.
 */
export function encodeBatch(
  tokenizer: TextTokenizer,
  inputs: readonly TextInput[],
  options: EncodeBatchOptions = {},
): BatchEncoding {
  const { padding = 'longest', truncation = 'longest_first', padToMultipleOf } = options;
  const maxLength = options.maxLength ?? tokenizer.modelMaxLength;
  checkPositiveInteger('maxLength', maxLength);
  checkPositiveInteger('padToMultipleOf', padToMultipleOf);
  const returnTokenTypeIds = options.returnTokenTypeIds ?? tokenizer.modelInputNames.includes('token_type_ids');

  if (padding !== false && tokenizer.specialTokenIds.pad === undefined) {
    throw new TlError('TOKENIZER', `${tokenizer.source}: padding requested but the tokenizer has no pad token`);
  }
  if (padding === 'max_length' && maxLength === undefined) {
    throw new TlError('INPUT', `padding 'max_length' needs maxLength: the tokenizer has no model_max_length`);
  }
  // HF refuses this too: truncating to a length padding would then push past.
  if (truncation !== false && padding !== false && padToMultipleOf !== undefined && maxLength !== undefined && maxLength % padToMultipleOf !== 0) {
    throw new TlError('INPUT', `maxLength ${maxLength} is not a multiple of padToMultipleOf ${padToMultipleOf} while truncating and padding`);
  }

  const sequences = inputs.map((input, i) => encodeOne(tokenizer, input, i, truncation, maxLength));

  const longest = sequences.reduce((m, s) => Math.max(m, s.ids.length), 0);
  const target = padding === 'max_length' ? maxLength! : padding === 'longest' ? longest : 0;
  const spec = {
    length: padding === false ? 0 : roundUpToMultiple(target, padToMultipleOf),
    side: tokenizer.paddingSide,
    padId: tokenizer.specialTokenIds.pad ?? 0,
    padTypeId: 0,
  };
  const padded = sequences.map((s) => padSequence(s, spec));
  const out = {
    inputIds: padded.map((p) => p.inputIds),
    attentionMask: padded.map((p) => p.attentionMask),
  };
  return returnTokenTypeIds ? { ...out, tokenTypeIds: padded.map((p) => p.tokenTypeIds) } : out;
}

function encodeOne(
  tokenizer: TextTokenizer,
  input: TextInput,
  index: number,
  truncation: TruncationStrategy | false,
  maxLength: number | undefined,
): AssembledSequence {
  const where = `input ${index}`;
  // Inputs often come from JSONL, so their types are checked here rather than trusted.
  const { text, textPair } = input as { text: unknown; textPair?: unknown };
  if (typeof text !== 'string') throw new TlError('INPUT', `${where}: text must be a string, got ${describe(text)}`);
  if (textPair !== undefined && textPair !== null && typeof textPair !== 'string') {
    throw new TlError('INPUT', `${where}: textPair must be a string, got ${describe(textPair)}`);
  }
  let a = tokenizer.encodeSegment(text);
  let b = typeof textPair === 'string' ? tokenizer.encodeSegment(textPair) : undefined;

  if (truncation !== false && maxLength !== undefined) {
    const specials = addedTokenCount(tokenizer.template, b !== undefined);
    const budget = maxLength - specials;
    if (budget < 0) {
      throw new TlError(
        'INPUT',
        `${where}: maxLength ${maxLength} is smaller than the ${specials} special tokens the tokenizer adds to a ${b === undefined ? 'single text' : 'text pair'}`,
      );
    }
    const kept = keptLengths(a.ids.length, b?.ids.length, budget, truncation, where);
    a = truncateRun(a, kept.a, tokenizer.truncationSide);
    if (b !== undefined) b = truncateRun(b, kept.b!, tokenizer.truncationSide);
  }
  return applyTemplate(tokenizer.template, a, b);
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}
