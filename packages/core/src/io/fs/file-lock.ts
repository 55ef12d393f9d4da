import { rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import properLockfile from 'proper-lockfile';

export interface FileLockOptions {
  /** A lock left untouched this long is taken as abandoned by a dead process (ms; at least 2000). */
  readonly staleMs?: number;
  /** How often a waiter checks the lock again (ms). */
  readonly pollMs?: number;
}

/** proper-lockfile refreshes a held lock at most once a second, so a shorter staleness would misfire. */
const MIN_STALE_MS = 2_000;

/**
 * Runs `fn` while holding an exclusive lock at `lockPath`, across processes and across callers in
 * one process. Used around blob downloads, where two writers appending to one partial file would
 * corrupt it.
 *
 * The lock itself is proper-lockfile's: an atomic mkdir, an mtime the holder refreshes, removal on
 * process exit, and detection of a lock taken away from its holder. Its own stale-lock takeover is
 * not used, because it is racy (moxystudio/node-proper-lockfile#121: two waiters that both see the
 * stale lock each remove it, and the slower one removes the lock the faster one just made, so both
 * hold it). Here a takeover is serialised by a second, short-lived lock (`<lockPath>.takeover`), and
 * the stale lock is examined again while holding it; so of several waiters on one stale lock exactly
 * one removes it, and a lock made after that is never removed as stale.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const staleMs = Math.max(options.staleMs ?? 30_000, MIN_STALE_MS);
  const pollMs = options.pollMs ?? 100;
  let compromised: Error | undefined;
  const release = await acquire(lockPath, staleMs, pollMs, (e) => {
    compromised = e;
  });
  let result: T;
  try {
    result = await fn();
  } finally {
    if (compromised === undefined) await release();
  }
  if (compromised !== undefined) throw new Error(`lock ${lockPath} was taken away while held: ${compromised.message}`);
  return result;
}

async function acquire(
  lockPath: string,
  staleMs: number,
  pollMs: number,
  onCompromised: (e: Error) => void,
): Promise<() => Promise<void>> {
  for (;;) {
    const release = await tryLock(lockPath, {
      // Staleness is judged by takeOverIfStale, never by proper-lockfile's racy removal.
      stale: Number.MAX_SAFE_INTEGER,
      update: Math.max(1_000, Math.floor(staleMs / 3)),
      onCompromised,
    });
    if (release !== undefined) return release;
    if (!(await takeOverIfStale(lockPath, staleMs))) await sleep(pollMs);
  }
}

/** One attempt at the lock: its release function, or undefined when someone else holds it. */
async function tryLock(
  lockPath: string,
  options: { stale: number; update: number; onCompromised: (e: Error) => void },
): Promise<(() => Promise<void>) | undefined> {
  try {
    // `lockPath` doubles as the resource name: proper-lockfile keys its holders by it.
    return await properLockfile.lock(lockPath, { ...options, lockfilePath: lockPath, realpath: false, retries: 0 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
    throw e;
  }
}

/**
 * Removes the lock at `lockPath` if it is stale, under the takeover lock. True when this caller
 * removed it (so it should try to lock again at once).
 */
async function takeOverIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  if (!(await isStale(lockPath, staleMs))) return false;
  const takeover = `${lockPath}.takeover`;
  const releaseTakeover = await tryLock(takeover, {
    // A takeover is held for two syscalls; a crash in between leaves it stale after the minimum.
    stale: MIN_STALE_MS,
    update: 1_000,
    onCompromised: () => undefined,
  }).catch(() => undefined);
  if (releaseTakeover === undefined) return false;
  try {
    // Examined again under the takeover lock: another waiter may have removed it and locked anew.
    if (!(await isStale(lockPath, staleMs))) return false;
    // `recursive` also removes a plain lock file left by an earlier tl version.
    await rm(lockPath, { recursive: true, force: true });
    return true;
  } finally {
    await releaseTakeover().catch(() => undefined);
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  const touched = await stat(lockPath).then((s) => s.mtimeMs, () => undefined);
  return touched !== undefined && Date.now() - touched > staleMs;
}
