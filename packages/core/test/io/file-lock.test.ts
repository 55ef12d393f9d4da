import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/io/fs/file-lock.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tl-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('withFileLock', () => {
  it('serialises holders of the same lock', async () => {
    const lock = join(dir, 'a.lock');
    const events: string[] = [];
    const hold = (id: string) =>
      withFileLock(lock, async () => {
        events.push(`${id}+`);
        await new Promise((resolve) => setTimeout(resolve, 30));
        events.push(`${id}-`);
      }, { pollMs: 5 });
    await Promise.all([hold('x'), hold('y'), hold('z')]);
    // Never two inside at once: every entry is followed by its own exit.
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i]!.replace('+', '-'));
    expect(events).toHaveLength(6);
  });

  it('takes over a lock abandoned by a dead holder', async () => {
    const lock = join(dir, 'b.lock');
    await writeFile(lock, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    await expect(withFileLock(lock, async () => 'ran', { staleMs: 1_000, pollMs: 5 })).resolves.toBe('ran');
  });

  it('lets exactly one of several waiters on a stale lock hold it at a time', async () => {
    // Both kinds a dead holder can leave: proper-lockfile's directory and an earlier tl's file.
    for (const leftover of ['dir', 'file'] as const) {
      const lock = join(dir, `stale-${leftover}.lock`);
      if (leftover === 'dir') await mkdir(lock);
      else await writeFile(lock, '');
      const old = new Date(Date.now() - 60_000);
      await utimes(lock, old, old);

      let inside = 0;
      let mostInside = 0;
      const entered: number[] = [];
      const contenders = Array.from({ length: 8 }, (_, id) =>
        withFileLock(lock, async () => {
          inside += 1;
          mostInside = Math.max(mostInside, inside);
          entered.push(id);
          await new Promise((resolve) => setTimeout(resolve, 15));
          inside -= 1;
        }, { staleMs: 2_000, pollMs: 2 }),
      );
      await Promise.all(contenders);
      expect(mostInside).toBe(1);
      expect(entered.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      // Released: neither the lock nor the takeover lock is left behind.
      await expect(stat(lock)).rejects.toThrow(/ENOENT/);
      await expect(stat(`${lock}.takeover`)).rejects.toThrow(/ENOENT/);
    }
  });
});
