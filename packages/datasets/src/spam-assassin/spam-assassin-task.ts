import { TlError, type Example } from '@tl/core';
import { DEFAULT_SPLIT, fnv1a, type SplitFractions } from '../splits/hash-split.js';
import { stratifiedSplit } from '../splits/stratified-split.js';
import type { TaskSplits } from '../tasks/task-splits.js';
import { kindOf, readSpamAssassinCorpus, SPAM_ASSASSIN_GROUPS, type MessageKind, type RawMessage, type SpamAssassinGroup } from './corpus.js';
import { messageBody, tidyText } from './message-body.js';

/** A message as a classification example; `kind` keeps easy and hard ham apart whatever the labels. */
export interface SpamAssassinExample extends Example {
  /** `<group>/<id>`, e.g. `hard-ham-1/00042`: stable across runs, the key of the split. */
  readonly id: string;
  readonly group: SpamAssassinGroup;
  readonly kind: MessageKind;
  readonly subject: string;
}

export interface SpamAssassinTaskOptions {
  /**
   * `spam-ham` (default): labels ham, spam. `three-way`: easy-ham, hard-ham, spam — the hard ham
   * (ham written like spam) as a class of its own.
   */
  readonly labels?: 'spam-ham' | 'three-way';
  /** Only these groups (default all five). */
  readonly groups?: readonly SpamAssassinGroup[];
  /** Split fractions (default 0.8 / 0.1 / 0.1), exact within each group, by a hash of the message id: fixed, no seed. */
  readonly fractions?: SplitFractions;
  /** Put the subject line before the body (default false: the body alone, headers stripped). */
  readonly includeSubject?: boolean;
  /** Cut bodies to this many characters (default 2000; a model reads at most a few hundred tokens). */
  readonly maxChars?: number;
  /** Messages already read (default: the corpus the package ships). */
  readonly messages?: readonly RawMessage[];
  /** Called as messages are decoded (done, total): decoding all 6,046 takes several seconds. */
  readonly onProgress?: (done: number, total: number) => void;
}

const LABELS = { 'spam-ham': ['ham', 'spam'], 'three-way': ['easy-ham', 'hard-ham', 'spam'] } as const;

/**
 * The SpamAssassin public corpus (6,046 messages: 3,900 easy ham, 250 hard ham, 1,896 spam) as a
 * text classification task. Bodies are decoded and headers stripped (see `messageBody`); messages
 * whose body is empty are dropped, and so are exact duplicates of an earlier body (the corpus repeats
 * some mails across its groups), so no text sits in two splits. Splits are stratified by group.
 */
export async function spamAssassinTask(options: SpamAssassinTaskOptions = {}): Promise<TaskSplits<SpamAssassinExample>> {
  const labelScheme = options.labels ?? 'spam-ham';
  const labels = LABELS[labelScheme];
  if (!labels) throw new TlError('CONFIG', `spamAssassinTask: labels must be spam-ham or three-way, got ${String(labelScheme)}`);
  const groups = new Set(options.groups ?? SPAM_ASSASSIN_GROUPS);
  const maxChars = options.maxChars ?? 2000;
  const fractions = options.fractions ?? DEFAULT_SPLIT;
  // In (group, id) order, so which copy of a duplicated body is kept does not depend on the input order.
  const messages = (options.messages ?? readSpamAssassinCorpus())
    .filter((m) => groups.has(m.group))
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const examples: SpamAssassinExample[] = [];
  const seen = new Set<string>();
  for (const [i, m] of messages.entries()) {
    if (i % 200 === 0) {
      options.onProgress?.(i, messages.length);
      // Parsing resolves without real I/O: yield now and then so timers, progress bars and RPC run.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const body = await messageBody(m.raw);
    const text = tidyText(options.includeSubject && body.subject ? `${body.subject}\n\n${body.text}` : body.text).slice(0, maxChars);
    if (text.length === 0) continue;
    const key = `${fnv1a(text)}:${text.length}:${text.slice(0, 64)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const kind = kindOf(m.group);
    const label = labelScheme === 'three-way' ? labels.indexOf(kind as never) : kind === 'spam' ? 1 : 0;
    const id = `${m.group}/${m.id}`;
    examples.push({ text, label, id, group: m.group, kind, subject: body.subject });
  }
  options.onProgress?.(messages.length, messages.length);
  // Stratified by group: the 250 hard-ham mails reach every split in proportion.
  const splits = stratifiedSplit(examples, (e) => e.id, (e) => e.group, fractions);
  return { name: labelScheme === 'three-way' ? 'spam-assassin-3way' : 'spam-assassin', labels, ...splits };
}
