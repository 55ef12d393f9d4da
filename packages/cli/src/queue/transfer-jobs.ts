import { createHash } from 'node:crypto';
import { transferRunName, type TransferCell } from '@tl/core';
import type { JobsOptions } from 'bullmq';
import type { TransferSpec } from '../transfer/transfer-spec.js';

/**
 * The jobs of one grid on the queue, and their ids. A grid's jobs are:
 * - `run`: one target run (a cell: condition, budget, seed);
 * - `source`: the source fine-tuning the intermediate runs start from;
 * - `release`: the parent of `source` in a BullMQ flow, so it runs only once the source checkpoint is
 *   saved; it adds the grid's intermediate runs. (A BullMQ job has one parent, so the many runs that
 *   need the source cannot all be its parents: this job fans them out instead.)
 * Every id is derived from the grid's spec, so submitting the same grid again finds its jobs (finished
 * ones are reused, failed ones retried) rather than adding them twice.
 */
export type TransferJobData =
  | { readonly kind: 'run'; readonly spec: TransferSpec; readonly cell: TransferCell }
  | { readonly kind: 'source'; readonly spec: TransferSpec }
  | { readonly kind: 'release'; readonly spec: TransferSpec; readonly cells: readonly TransferCell[] };

/** Attempts for a job that throws (a stalled job, one whose worker died, is retried by `maxStalledCount` instead). */
export const JOB_ATTEMPTS = 2;

/** Ids of one grid's jobs: a hash of the spec, then the run's name (BullMQ ids may not hold ':'). */
export function gridJobIds(spec: TransferSpec) {
  const key = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
  return {
    key,
    source: `${key}.source`,
    release: `${key}.release`,
    run: (cell: TransferCell) => `${key}.${transferRunName(cell)}`,
  };
}

/** Options of every job: its fixed id, bounded attempts, and kept after it ends (its result is read back, and reused). */
export function jobOptions(jobId: string): JobsOptions {
  return { jobId, attempts: JOB_ATTEMPTS, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false };
}

/** A run's job as `Queue.addBulk` takes it. */
export function runJob(spec: TransferSpec, cell: TransferCell) {
  const data: TransferJobData = { kind: 'run', spec, cell };
  return { name: 'run', data, opts: jobOptions(gridJobIds(spec).run(cell)) };
}
