import { SeededRandom } from '@tl/core';
import type { WordNetPos } from '@tl/datasets';
import { STOP_WORDS } from './stop-words.js';

/** Where EDA takes synonyms from: WordNet (`@tl/datasets`' `WordNet`) or anything shaped like it. */
export interface SynonymSource {
  /** The category the word is mostly used in; synonyms come from that category only. */
  dominantPos(word: string): WordNetPos | undefined;
  synonyms(word: string, pos: WordNetPos): string[];
}

/** Per-operation rates α: the share of a sentence's words an operation touches (Wei & Zou 2019). */
export interface EdaRates {
  /** Synonym replacement. */
  readonly sr: number;
  /** Random insertion (of a synonym of a random word). */
  readonly ri: number;
  /** Random swap of two words. */
  readonly rs: number;
  /** Random deletion: each word is dropped with this probability. */
  readonly rd: number;
}

export type EdaOperation = 'sr' | 'ri' | 'rs' | 'rd';

/** One change an operation made, so tests (and curious users) can check what happened. */
export type EdaEdit =
  | { readonly op: 'sr'; readonly index: number; readonly from: string; readonly to: string; readonly pos: WordNetPos }
  | { readonly op: 'ri'; readonly index: number; readonly word: string; readonly seed: string; readonly pos: WordNetPos }
  | { readonly op: 'rs'; readonly i: number; readonly j: number }
  | { readonly op: 'rd'; readonly index: number; readonly word: string };

export interface EdaResult {
  readonly text: string;
  readonly op: EdaOperation;
  readonly edits: readonly EdaEdit[];
}

/** Words are runs of letters (with inner hyphens/apostrophes); everything else is kept as its own token. */
const TOKEN = /[A-Za-z]+(?:['-][A-Za-z]+)*|[^\sA-Za-z]+/g;
const WORD = /^[A-Za-z]+(?:['-][A-Za-z]+)*$/;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/**
 * One EDA augmentation of `text`: an operation chosen uniformly among those with a rate > 0 (as the
 * reference implementation spreads its copies evenly over the four), applied to n = max(1, round(α·|words|))
 * words. Synonyms come from the word's dominant WordNet category only, so a noun is replaced by a
 * noun synonym. Deterministic in (text, rates, random state).
 */
export function edaAugment(text: string, rates: EdaRates, synonyms: SynonymSource, random: SeededRandom): EdaResult {
  const ops = (['sr', 'ri', 'rs', 'rd'] as const).filter((op) => rates[op] > 0);
  const op = ops[random.int(ops.length)]!;
  const tokens = tokenize(text);
  const wordCount = tokens.filter((t) => WORD.test(t)).length;
  const n = Math.max(1, Math.round(rates[op] * wordCount));
  const edits: EdaEdit[] = [];
  switch (op) {
    case 'sr':
      synonymReplacement(tokens, n, synonyms, random, edits);
      break;
    case 'ri':
      randomInsertion(tokens, n, synonyms, random, edits);
      break;
    case 'rs':
      randomSwap(tokens, n, random, edits);
      break;
    case 'rd':
      randomDeletion(tokens, rates.rd, random, edits);
      break;
  }
  return { text: detokenize(tokens), op, edits };
}

/** A word's synonyms in its dominant category, or none for stop words and unknown words. */
function candidates(word: string, source: SynonymSource): { pos: WordNetPos; list: string[] } | undefined {
  if (!WORD.test(word) || STOP_WORDS.has(word.toLowerCase())) return undefined;
  const pos = source.dominantPos(word);
  if (pos === undefined) return undefined;
  const list = source.synonyms(word, pos);
  return list.length > 0 ? { pos, list } : undefined;
}

function synonymReplacement(tokens: string[], n: number, source: SynonymSource, random: SeededRandom, edits: EdaEdit[]): void {
  const order = random.shuffle(tokens.map((_, i) => i));
  let done = 0;
  for (const i of order) {
    if (done >= n) break;
    const c = candidates(tokens[i]!, source);
    if (!c) continue;
    const to = c.list[random.int(c.list.length)]!;
    edits.push({ op: 'sr', index: i, from: tokens[i]!, to, pos: c.pos });
    tokens[i] = to;
    done++;
  }
}

function randomInsertion(tokens: string[], n: number, source: SynonymSource, random: SeededRandom, edits: EdaEdit[]): void {
  const seeds = tokens.map((t) => ({ t, c: candidates(t, source) })).filter((x) => x.c !== undefined);
  if (seeds.length === 0) return;
  for (let k = 0; k < n; k++) {
    const { t, c } = seeds[random.int(seeds.length)]!;
    const word = c!.list[random.int(c!.list.length)]!;
    const index = random.int(tokens.length + 1);
    tokens.splice(index, 0, word);
    edits.push({ op: 'ri', index, word, seed: t, pos: c!.pos });
  }
}

function randomSwap(tokens: string[], n: number, random: SeededRandom, edits: EdaEdit[]): void {
  if (tokens.length < 2) return;
  for (let k = 0; k < n; k++) {
    const i = random.int(tokens.length);
    let j = random.int(tokens.length - 1);
    if (j >= i) j++;
    [tokens[i], tokens[j]] = [tokens[j]!, tokens[i]!];
    edits.push({ op: 'rs', i, j });
  }
}

function randomDeletion(tokens: string[], p: number, random: SeededRandom, edits: EdaEdit[]): void {
  if (tokens.length <= 1) return;
  const kept: string[] = [];
  tokens.forEach((t, index) => {
    if (random.next() < p) edits.push({ op: 'rd', index, word: t });
    else kept.push(t);
  });
  // Never delete everything: keep one random word, as the reference implementation does.
  if (kept.length === 0) {
    const keep = random.int(tokens.length);
    kept.push(tokens[keep]!);
    edits.splice(edits.findIndex((e) => e.op === 'rd' && e.index === keep), 1);
  }
  tokens.splice(0, tokens.length, ...kept);
}

/** Joins tokens with spaces, without a space before closing punctuation. */
export function detokenize(tokens: readonly string[]): string {
  let out = '';
  for (const t of tokens) {
    if (out.length === 0) out = t;
    else if (/^[.,;:!?)\]}%]+$/.test(t) || out.endsWith('(')) out += t;
    else out += ` ${t}`;
  }
  return out;
}
