import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port nothing listens on now: the OS picks one for a throwaway listener. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Its data folder (the append-only file, when asked for). */
  readonly dir: string;
  /** Kills it the way a crash would (SIGKILL): only what reached the append-only file survives. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder (after `kill`). */
  start(): Promise<void>;
  /** Stops it for good; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Debian's `redis-server` on 127.0.0.1 on a free port, in a temporary folder, nothing saved unless
 * `appendOnly` (then every write is fsynced before it is acknowledged, as a grid that must survive a
 * restart wants). Fails, rather than skips, when redis-server is not installed
 * (packages/cli/scripts/install-deps.sh installs it).
 */
export async function startRedis(options: { appendOnly?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tl-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--protected-mode', 'yes',
    ...(options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];
  let child: ChildProcess | undefined;
  const launch = () =>
    new Promise<void>((ok, fail) => {
      const c = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let log = '';
      const timer = setTimeout(() => fail(new Error(`redis-server did not start on port ${port}:\n${log}`)), 15_000);
      c.on('error', (e) => { clearTimeout(timer); fail(new Error(`cannot run redis-server (bash packages/cli/scripts/install-deps.sh installs it): ${e.message}`)); });
      c.stdout!.setEncoding('utf8').on('data', (d: string) => {
        log += d;
        if (log.includes('Ready to accept connections')) { clearTimeout(timer); ok(); }
      });
      c.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
      c.on('exit', (code) => { clearTimeout(timer); if (!log.includes('Ready to accept connections')) fail(new Error(`redis-server exited with ${code}:\n${log}`)); });
    });
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((ok) => {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null || c.signalCode !== null) return ok();
      c.on('exit', () => ok());
      c.kill(signal);
    });
  await launch();
  return { url: `redis://127.0.0.1:${port}`, port, dir, kill: () => end('SIGKILL'), start: launch, stop: () => end('SIGTERM') };
}
