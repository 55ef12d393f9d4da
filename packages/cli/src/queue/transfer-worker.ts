import { appendFile, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { transferRunName, transferRunner, type TransferRunner } from '@tl/core';
import { prepareTransfer, type TransferSpec } from '../transfer/transfer-spec.js';
import { checkRedisReachable, QUEUE_NAME, redisOptions, reportConnectionErrors } from './connection.js';
import { EventLoopTurns } from './event-loop-turns.js';
import { runJob, type TransferJobData } from './transfer-jobs.js';

export interface TransferWorkerOptions {
  readonly url: string;
  /** How long a job's lock lasts without renewal: a worker silent for longer is taken as dead and its job retried. */
  readonly lockDuration: number;
  /** How often this worker looks for jobs whose worker died. */
  readonly stalledInterval: number;
}

/** Experiments a worker keeps loaded (data, tokenizer): a grid's jobs mostly come one after another. */
const RUNNERS_KEPT = 4;

/**
 * One BullMQ worker taking one job at a time (tfjs has one engine per process; parallelism is more
 * processes: `tl worker --concurrency N` starts N of these). It runs each job with the same
 * `transferRunner` as the single-process `tl transfer`, writing run logs and the source checkpoint
 * into the grid's output folder, which every worker must see (a shared folder).
 */
export async function runTransferWorker(options: TransferWorkerOptions): Promise<void> {
  await checkRedisReachable(options.url);
  const connection = redisOptions(options.url);
  const name = `${hostname()}:${process.pid}`;
  const say = (s: string) => process.stderr.write(`tl: worker ${name}: ${s}\n`);
  const queue = new Queue(QUEUE_NAME, { connection }); // the release job adds the intermediate runs through it
  reportConnectionErrors(queue, `worker ${name}`);

  const runners = new Map<string, Promise<TransferRunner>>();
  const runnerFor = (spec: TransferSpec): Promise<TransferRunner> => {
    const key = JSON.stringify(spec);
    let runner = runners.get(key);
    if (!runner) {
      runner = prepareTransfer(spec).then((o) => transferRunner({ ...o, callbacks: () => [new EventLoopTurns()] }));
      runners.set(key, runner);
      runner.catch(() => runners.delete(key)); // a failed load is tried again by the next job
      if (runners.size > RUNNERS_KEPT) runners.delete(runners.keys().next().value!);
    }
    return runner;
  };

  /** `<outputDir>/runs/<run>/worker.jsonl`: which worker started and finished each attempt (shared folder: every machine's). */
  const logAttempt = async (job: Job<TransferJobData>, event: 'start' | 'end', extra: Record<string, unknown> = {}) => {
    const run = job.data.kind === 'run' ? transferRunName(job.data.cell) : job.data.kind;
    if (job.data.kind === 'release') return;
    const dir = join(job.data.spec.outputDir, 'runs', run);
    await mkdir(dir, { recursive: true });
    await appendFile(join(dir, 'worker.jsonl'), `${JSON.stringify({ job: job.id, worker: name, attempt: job.attemptsStarted, event, time: new Date().toISOString(), ...extra })}\n`);
  };

  const process_ = async (job: Job<TransferJobData>): Promise<unknown> => {
    const data = job.data;
    await logAttempt(job, 'start'); // first, so a worker killed the moment it says "started" has left its line
    say(`${job.id} started (attempt ${job.attemptsStarted})`);
    let result: unknown;
    if (data.kind === 'release') {
      await queue.addBulk(data.cells.map((cell) => runJob(data.spec, cell))); // fixed ids: a retried release adds nothing twice
      result = { released: data.cells.length };
    } else if (data.kind === 'source') {
      result = { sourceModel: await (await runnerFor(data.spec)).fineTuneSource() };
    } else {
      const run = await (await runnerFor(data.spec)).runCell(data.cell);
      say(`${job.id} finished: accuracy ${(100 * run.accuracy).toFixed(1)}% (${run.seconds.toFixed(1)} s)`);
      result = run;
    }
    await logAttempt(job, 'end');
    return result;
  };

  const worker = new Worker<TransferJobData>(QUEUE_NAME, process_, {
    connection,
    concurrency: 1,
    name,
    lockDuration: options.lockDuration,
    stalledInterval: options.stalledInterval,
    // A job whose worker died goes back to the queue once; dying a second time fails it for good.
    maxStalledCount: 1,
  });
  const reconnected = reportConnectionErrors(worker, `worker ${name}`);
  worker.on('ready', reconnected);
  worker.on('failed', (job, e) => say(`${job?.id ?? '?'} failed (attempt ${job?.attemptsStarted ?? '?'}): ${e.message}`));
  say(`taking jobs from ${options.url} (queue '${QUEUE_NAME}')`);

  // Finish the job under way, then leave (a SIGKILL instead leaves it to the stalled-job check).
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      say(`${signal}: finishing the current job, then stopping`);
      void worker.close().then(() => queue.close()).then(done);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    // Started by `tl worker --concurrency N`: when that parent goes, so does this worker.
    process.once('disconnect', orphaned);
  });
  // The channel to a `--concurrency N` parent would keep this process alive after a clean stop.
  process.off('disconnect', orphaned);
  if (process.connected) process.disconnect();
}

function orphaned(): never {
  process.exit(1);
}
