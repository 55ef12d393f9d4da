import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
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
});
