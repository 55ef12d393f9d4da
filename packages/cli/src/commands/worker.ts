import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { engineFor } from '../runtime/backend.js';
import { positiveInt } from '../runtime/options.js';

interface WorkerFlags {
  queue: string;
  concurrency: number;
  backend: string;
  lockDuration: number;
  stalledInterval: number;
}

/**
 * `--concurrency N` (N > 1): N worker processes, each taking one job at a time. Processes rather
 * than BullMQ's in-process concurrency, because tfjs has one engine per process: two runs in one
 * process would share its tensors and its one thread.
 */
async function runProcesses(n: number): Promise<void> {
  const args = process.argv.slice(1).flatMap((a, i, all) => (a === '--concurrency' ? [] : all[i - 1] === '--concurrency' ? [] : a.startsWith('--concurrency=') ? [] : [a]));
  const children = Array.from({ length: n }, () => spawn(process.execPath, [...args, '--concurrency', '1'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => children.forEach((c) => c.kill(signal)));
  const codes = await Promise.all(children.map((c) => new Promise<number>((ok) => c.on('exit', (code) => ok(code ?? 1)))));
  process.exitCode = Math.max(...codes);
}

export function workerCommand(): Command {
  return new Command('worker')
    .description('take `tl transfer --queue` jobs from Redis and run them (on any machine that sees the same files)')
    .requiredOption('--queue <redis-url>', 'the Redis the grids were submitted to (redis://HOST:PORT)')
    .option('--concurrency <n>', 'jobs at a time: one worker process each', positiveInt, 1)
    .option('--backend <name>', 'tensor backend of this machine (wasm, cpu, webgpu, cuda, torch-cpu)', 'wasm')
    .option('--lock-duration <ms>', 'a worker silent this long is taken as dead; its job goes to another worker', positiveInt, 30_000)
    .option('--stalled-interval <ms>', 'how often to look for jobs of dead workers', positiveInt, 30_000)
    .addHelpText('after', '\nThe runs read the data and model paths the grid was submitted with and write into its --output-dir:\nevery worker must see those paths (a shared folder), or the model must be a hub id each worker can fetch.')
    .action(async (flags: WorkerFlags) => {
      if (flags.concurrency > 1) return runProcesses(flags.concurrency);
      const { runTransferWorker } = await import('../queue/transfer-worker.js');
      await engineFor(flags.backend);
      await runTransferWorker({ url: flags.queue, lockDuration: flags.lockDuration, stalledInterval: flags.stalledInterval });
    });
}
