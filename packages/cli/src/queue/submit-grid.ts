import { FlowProducer, Queue } from 'bullmq';
import {
  appendTransferLog,
  planTransfer,
  startTransferLog,
  TlError,
  transferResults,
  transferRunName,
  type MissingTransferRun,
  type TransferCell,
  type TransferExperimentOptions,
  type TransferPlan,
  type TransferResults,
  type TransferRun,
} from '@tl/core';
import { prepareTransfer, type TransferSpec } from '../transfer/transfer-spec.js';
import { writeTransferResults } from '../transfer/write-results.js';
import { checkRedisReachable, QUEUE_NAME, redisOptions, reportConnectionErrors } from './connection.js';
import { gridJobIds, jobOptions, runJob, type TransferJobData } from './transfer-jobs.js';

/** One experiment on the queue: its spec, its options as this process prepared them, and its grid. */
export interface QueuedGrid {
  readonly spec: TransferSpec;
  readonly options: TransferExperimentOptions;
  readonly plan: TransferPlan;
}

/** What came back of a grid: the runs that finished and the cells that failed for good. */
export interface GridOutcome {
  readonly runs: readonly TransferRun[];
  readonly missing: readonly MissingTransferRun[];
}

/** How often the submitter looks at the jobs' states (a poll reads each unfinished job's state: cheap next to a run). */
const POLL_MS = 500;

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/**
 * Puts a grid's jobs on the queue. Jobs that exist already (the same grid submitted before) are left
 * as they are when finished or under way, and retried when they failed for good.
 */
async function enqueue(queue: Queue, flows: FlowProducer, { spec, plan }: QueuedGrid): Promise<void> {
  const ids = gridJobIds(spec);
  const direct = plan.cells.filter((c) => c.condition !== 'intermediate');
  const intermediate = plan.cells.filter((c) => c.condition === 'intermediate');
  for (const cell of plan.cells) {
    const job = await queue.getJob(ids.run(cell));
    if (job && (await job.getState()) === 'failed') await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  }
  await queue.addBulk(direct.map((cell) => runJob(spec, cell))); // existing ids are not added again
  if (!plan.needsSource) return;
  const release = await queue.getJob(ids.release);
  if (release && (await release.getState()) === 'failed') await release.remove(); // the source failed for good: both go, and are added afresh
  else if (release) return;
  const releaseData: TransferJobData = { kind: 'release', spec, cells: intermediate };
  const sourceData: TransferJobData = { kind: 'source', spec };
  await flows.add({
    name: 'release',
    queueName: QUEUE_NAME,
    data: releaseData,
    opts: jobOptions(ids.release),
    children: [{ name: 'source', queueName: QUEUE_NAME, data: sourceData, opts: { ...jobOptions(ids.source), failParentOnFailure: true } }],
  });
}

interface Tracked {
  readonly grid: QueuedGrid;
  readonly cell: TransferCell;
  readonly id: string;
  /** Set once the job finished or failed for good. */
  done?: 'completed' | 'failed';
  /** Seen on the queue at least once. */
  seen?: boolean;
}

/**
 * Waits until every run of the grids finished or failed for good, printing done/running/failed
 * counts as they change and appending each finished run to its grid's transfer.jsonl. Redis being
 * unreachable for a while (a restart) only delays this: the connection retries, the jobs are in
 * Redis's append-only file.
 */
async function waitFor(queue: Queue, grids: readonly QueuedGrid[]): Promise<GridOutcome[]> {
  const tracked: Tracked[] = grids.flatMap((grid) => grid.plan.cells.map((cell) => ({ grid, cell, id: gridJobIds(grid.spec).run(cell) })));
  const outcomes = new Map(grids.map((g) => [g, { runs: [] as TransferRun[], missing: [] as MissingTransferRun[] }]));
  const started = performance.now();
  let last = '';
  for (;;) {
    let running = 0;
    for (const t of tracked.filter((x) => !x.done)) {
      const state = await queue.getJobState(t.id);
      if (state === 'active') running++;
      const outcome = outcomes.get(t.grid)!;
      if (state !== 'unknown') t.seen = true;
      if (state === 'completed') {
        const run = (await queue.getJob(t.id))!.returnvalue as TransferRun;
        outcome.runs.push(run);
        await appendTransferLog(t.grid.spec.outputDir, run);
        t.done = 'completed';
      } else if (state === 'failed') {
        outcome.missing.push({ ...t.cell, error: (await queue.getJob(t.id))?.failedReason ?? 'failed' });
        t.done = 'failed';
      } else if (state === 'unknown' && t.seen) {
        // Only a Redis that came back without its data (no append-only file) forgets a job.
        outcome.missing.push({ ...t.cell, error: 'the job vanished from Redis (restarted without persistence? run redis-server with --appendonly yes)' });
        t.done = 'failed';
      } else if (state === 'unknown' && t.cell.condition === 'intermediate') {
        // Not released yet: fine while the source runs; missing for good when the source failed for good.
        const ids = gridJobIds(t.grid.spec);
        if ((await queue.getJobState(ids.release)) === 'failed') {
          const source = await queue.getJob(ids.source);
          outcome.missing.push({ ...t.cell, error: `the source fine-tuning failed: ${source?.failedReason ?? 'unknown error'}` });
          t.done = 'failed';
        }
      }
    }
    const done = tracked.filter((x) => x.done === 'completed').length;
    const failed = tracked.filter((x) => x.done === 'failed').length;
    const line = `${done}/${tracked.length} done, ${running} running, ${failed} failed`;
    if (line !== last) process.stderr.write(`tl: queue: ${line} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
    last = line;
    if (done + failed === tracked.length) break;
    await sleep(POLL_MS);
  }
  return grids.map((g) => outcomes.get(g)!);
}

/**
 * Submits the grids to the queue at `url` and waits for `tl worker`s to run them. The submitter
 * itself trains nothing; it needs the data only to check it and to size results.json.
 */
export async function runGridsOnQueue(url: string, specs: readonly TransferSpec[]): Promise<{ grid: QueuedGrid; outcome: GridOutcome; results: TransferResults }[]> {
  const grids: QueuedGrid[] = [];
  for (const spec of specs) {
    const options = await prepareTransfer(spec); // bad data or flags fail here, before anything is queued
    grids.push({ spec, options, plan: planTransfer(options) });
  }
  await checkRedisReachable(url);
  const connection = redisOptions(url);
  const queue = new Queue(QUEUE_NAME, { connection });
  const flows = new FlowProducer({ connection });
  reportConnectionErrors(queue, 'queue');
  reportConnectionErrors(flows, 'queue');
  try {
    for (const grid of grids) {
      await startTransferLog(grid.spec.outputDir);
      await enqueue(queue, flows, grid);
    }
    const jobs = grids.reduce((n, g) => n + g.plan.cells.length, 0);
    process.stderr.write(`tl: queue: ${jobs} runs on ${url} (queue '${QUEUE_NAME}'); start workers with: tl worker --queue ${url}\n`);
    const outcomes = await waitFor(queue, grids);
    return grids.map((grid, i) => ({ grid, outcome: outcomes[i]!, results: transferResults(grid.options, grid.plan, outcomes[i]!.runs, outcomes[i]!.missing) }));
  } finally {
    await flows.close();
    await queue.close();
  }
}

/** `tl transfer --queue URL`: the grid as jobs; the same results.json, transfer.jsonl and table as in-process. */
export async function transferOnQueue(url: string, spec: TransferSpec): Promise<void> {
  const [{ results, outcome, grid }] = await runGridsOnQueue(url, [spec]);
  await writeTransferResults(spec.outputDir, results!);
  if (outcome!.missing.length > 0) {
    const names = outcome!.missing.map((m) => transferRunName(m)).join(', ');
    throw new TlError('QUEUE', `${outcome!.missing.length} of ${grid!.plan.cells.length} runs failed for good (${names}); results.json has the others`);
  }
}
