import { open, rm, stat, utimes } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FileLockOptions {
  /** A lock whose file was not touched for this long is taken as abandoned by a dead process (ms). */
  readonly staleMs?: number;
  /** How often a waiter checks the lock again (ms). */
  readonly pollMs?: number;
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL, so only one process or
 * caller wins). The holder touches the file periodically; a waiter removes a lock left untouched for
 * `staleMs`, so a crashed holder cannot block others forever. Used around blob downloads, where two
 * writers appending to one partial file would corrupt it.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const staleMs = options.staleMs ?? 30_000;
  const pollMs = options.pollMs ?? 100;
  for (;;) {
    try {
      await (await open(lockPath, 'wx')).close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const touched = await stat(lockPath).then((s) => s.mtimeMs, () => undefined);
    if (touched !== undefined && Date.now() - touched > staleMs) await rm(lockPath, { force: true });
    else await sleep(pollMs);
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => undefined);
  }, Math.max(1, Math.floor(staleMs / 3)));
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await rm(lockPath, { force: true });
  }
}
