import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { TlError } from '@tl/core';

/** The one BullMQ queue every `tl transfer --queue` submits to and every `tl worker` takes from. */
export const QUEUE_NAME = 'tl-transfer';

/**
 * `--queue redis://[user:password@]HOST:PORT[/DB]` (or `rediss://` for TLS) → ioredis options.
 * `maxRetriesPerRequest: null` is what BullMQ needs for workers and what a long grid wants
 * everywhere: while Redis restarts, commands wait for the reconnection instead of failing.
 */
export function redisOptions(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TlError('CONFIG', `--queue: '${url}' is not a URL (expected redis://HOST:PORT)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new TlError('CONFIG', `--queue: '${url}' is not a redis:// URL (expected redis://HOST:PORT)`);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new TlError('CONFIG', `--queue: '${url}': the path must be a database number`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
    ...(db !== '' && { db: Number(db) }),
    ...(parsed.protocol === 'rediss:' && { tls: {} }),
    maxRetriesPerRequest: null,
  };
}

/**
 * Connects once without retrying, so a wrong address is one clear error at the start rather than a
 * command that waits forever; the long-lived connections made afterwards retry through outages.
 */
export async function checkRedisReachable(url: string): Promise<void> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000 });
  let cause: Error | undefined; // the socket's error (ECONNREFUSED, ENOTFOUND); connect() itself only says the connection closed
  client.on('error', (e: Error) => (cause ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new TlError('QUEUE', `--queue ${url}: cannot reach Redis (${(cause ?? (e as Error)).message})`, { cause: cause ?? e });
  } finally {
    client.disconnect();
  }
}

/**
 * BullMQ objects emit 'error' for every failed reconnection attempt; unhandled, that event would end
 * the process. One line per outage, not one per retry.
 */
export function reportConnectionErrors(emitter: { on(event: 'error', listener: (e: Error) => void): unknown }, who: string): () => void {
  let down = false;
  emitter.on('error', (e: Error) => {
    if (down) return;
    down = true;
    process.stderr.write(`tl: ${who}: redis: ${e.message} (retrying)\n`);
  });
  return () => {
    if (down) process.stderr.write(`tl: ${who}: redis reachable again\n`);
    down = false;
  };
}
