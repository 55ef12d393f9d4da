import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TransferResults, TransferRun } from '@tl/core';
import { fixtureDir } from '../support/fixtures.js';
import { runTl, tempDir, TL_BIN } from '../support/cli.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { writeTransferTask, type TransferTaskFiles } from '../support/transfer-task.js';

/**
 * `tl transfer --queue` with real `tl worker` processes on a real redis-server (Debian's, started
 * here on 127.0.0.1 on a free port and stopped after). The grid is toy sized (bert-mlm fixture, 12
 * runs of a few steps each) so the test is about the queue: same results as in-process, a worker
 * SIGKILLed mid-run, Redis killed and restarted mid-grid, a run that fails for good, re-submission.
 */

interface WorkerProcess {
  readonly child: ChildProcess;
  log: string;
  /** Resolves once the worker's stderr matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

const workers: WorkerProcess[] = [];

function startWorker(url: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): WorkerProcess {
  const child = spawn(process.execPath, [TL_BIN, 'worker', '--queue', url, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const w: WorkerProcess = {
    child,
    log: '',
    waitFor: (pattern, timeoutMs = 240_000) =>
      new Promise((ok, fail) => {
        const check = () => {
          const m = w.log.match(pattern);
          if (m) {
            clearInterval(timer);
            clearTimeout(limit);
            ok(m);
          }
        };
        const timer = setInterval(check, 50);
        const limit = setTimeout(() => {
          clearInterval(timer);
          fail(new Error(`worker never printed ${pattern}:\n${w.log}`));
        }, timeoutMs);
        check();
      }),
  };
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (w.log += d));
  workers.push(w);
  return w;
}

function stopWorkers(): Promise<void> {
  const alive = workers.splice(0).filter((w) => w.child.exitCode === null && w.child.signalCode === null);
  return Promise.all(alive.map((w) => new Promise<void>((ok) => { w.child.on('exit', () => ok()); w.child.kill('SIGKILL'); }))).then(() => undefined);
}

const readResults = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as TransferResults;
const runKey = (r: { condition: string; budget: number; seed: number }) => `${r.condition}-b${r.budget}-s${r.seed}`;
/** Each attempt's start line in a run's worker.jsonl (written by the workers into the shared output folder). */
const attempts = (dir: string, run: string) =>
  readFileSync(join(dir, 'runs', run, 'worker.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { worker: string; attempt: number; event: string }).filter((e) => e.event === 'start');

function expectSameAccuracies(actual: TransferResults, expected: TransferResults): void {
  expect(actual.runs.map(runKey)).toEqual(expected.runs.map(runKey));
  const byKey = new Map(actual.runs.map((r) => [runKey(r), r]));
  for (const run of expected.runs) {
    const got = byKey.get(runKey(run))!;
    expect(Math.abs(got.accuracy - run.accuracy), runKey(run)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(got.metrics['eval_loss']! - run.metrics['eval_loss']!), runKey(run)).toBeLessThanOrEqual(1e-6);
  }
  expect(actual.summary.map((s) => s.accuracy.mean)).toEqual(expected.summary.map((s) => s.accuracy.mean));
}

describe('tl transfer --queue with tl worker on redis-server', () => {
  let work: string;
  let task: TransferTaskFiles;
  let inProcess: TransferResults;
  const grid = (outputDir: string, extra: readonly string[] = []) => [
    'transfer', '--model', fixtureDir('bert-mlm'), '--source-train', task.source, '--target-train', task.targetTrain, '--target-test', task.targetTest,
    ...task.fieldFlags, '--budgets', '0.25,1', '--seeds', '2', '--epochs', '1', '--source-max-steps', '4', '--batch-size', '16', '--max-length', '24',
    '--strategy', 'llrd:decay=0.9', '--output-dir', outputDir, ...extra,
  ];

  beforeAll(async () => {
    work = tempDir('tl-queue-');
    task = writeTransferTask(work);
    const r = await runTl(grid(join(work, 'in-process')));
    expect(r.status, r.stderr).toBe(0);
    inProcess = readResults(join(work, 'in-process'));
    expect(inProcess.runs).toHaveLength(12);
  }, 300_000);

  afterEach(stopWorkers);

  describe('on one redis-server', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => redis?.stop());

    it('runs the grid on 2 workers with the in-process accuracies, the same table, and reuses finished runs when submitted again', async () => {
      const out = join(work, 'two-workers');
      const pool = startWorker(redis.url, ['--concurrency', '2']); // two worker processes under one command
      const r = await runTl(grid(out, ['--queue', redis.url]));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/tl: queue: 12\/12 done, 0 running, 0 failed/);
      const queued = readResults(out);
      expectSameAccuracies(queued, inProcess);
      expect(queued.missing).toBeUndefined();
      expect(readFileSync(join(out, 'transfer.jsonl'), 'utf8').trim().split('\n')).toHaveLength(12);
      const local = await runTl(grid(join(work, 'in-process-table')));
      expect(r.stdout).toBe(local.stdout); // the same Markdown table
      // Both workers took jobs; the source ran once, before every intermediate run.
      const by = new Set(queued.runs.flatMap((run) => attempts(out, runKey(run)).map((a) => a.worker)));
      expect(by.size).toBe(2);
      expect(attempts(out, 'source')).toHaveLength(1);

      // The same grid again: every run is found finished on the queue, nothing is trained again.
      const again = await runTl(grid(out, ['--queue', redis.url]));
      expect(again.status, again.stderr).toBe(0);
      expectSameAccuracies(readResults(out), inProcess);
      for (const run of queued.runs) expect(attempts(out, runKey(run)), runKey(run)).toHaveLength(1);

      // SIGTERM: each process finishes its job and leaves; the command exits once both have.
      const exited = new Promise<number | null>((ok) => pool.child.on('exit', (code) => ok(code)));
      pool.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(pool.log.match(/SIGTERM: finishing the current job, then stopping/g)).toHaveLength(2);
    }, 300_000);

    it('retries, once and on another worker, the run of a worker SIGKILLed in the middle of it', async () => {
      const out = join(work, 'killed-worker');
      // Shorter locks, so the dead worker's job is noticed in seconds rather than the default 30 s; not
      // shorter than 10 s: on a loaded machine a live worker's event loop was seen to miss a 2 s renewal.
      const fast = ['--lock-duration', '10000', '--stalled-interval', '1000'];
      const doomed = startWorker(redis.url, fast);
      const submitted = runTl(grid(out, ['--queue', redis.url]));
      const [, jobId] = await doomed.waitFor(/(\w+\.scratch-b0\.25-s1) started \(attempt 1\)/);
      doomed.child.kill('SIGKILL');
      const survivor = startWorker(redis.url, fast);
      const r = await submitted;
      expect(r.status, r.stderr).toBe(0);
      expectSameAccuracies(readResults(out), inProcess);
      const killed = attempts(out, 'scratch-b0.25-s1');
      expect(killed.map((a) => a.attempt)).toEqual([1, 2]);
      expect(killed[0]!.worker).toBe(`${doomed.log.match(/tl: worker (\S+):/)![1]}`);
      expect(killed[1]!.worker).not.toBe(killed[0]!.worker);
      expect(survivor.log).toContain(`${jobId} started (attempt 2)`);
      for (const run of inProcess.runs.filter((x) => runKey(x) !== 'scratch-b0.25-s1')) expect(attempts(out, runKey(run)), runKey(run)).toHaveLength(1);
    }, 300_000);

    it('reports a run that failed for good with its error and lists the missing cells in results.json', async () => {
      const out = join(work, 'failing');
      const refusing = startWorker(redis.url, [], { TL_TEST_FAIL_RUNS: '1' });
      const args = [...grid(out, ['--queue', redis.url, '--conditions', 'scratch,pretrained', '--seeds', '1']).filter((a) => a !== 'llrd:decay=0.9' && a !== '--strategy'),
        '--strategy', 'fails-on-worker', '--plugin', join(import.meta.dirname, 'failing-strategy.mjs')];
      const r = await runTl(args);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/tl: missing: pretrained budget 0\.25 seed 1: this worker refuses the run/);
      expect(r.stderr).toMatch(/tl: error: 2 of 4 runs failed for good \(pretrained-b0\.25-s1, pretrained-b1-s1\); results\.json has the others/);
      const results = readResults(out);
      expect(results.runs.map(runKey)).toEqual(['scratch-b0.25-s1', 'scratch-b1-s1']);
      expect(results.missing!.map(runKey)).toEqual(['pretrained-b0.25-s1', 'pretrained-b1-s1']);
      expect(results.summary.map((s) => s.condition)).toEqual(['scratch', 'scratch']);
      expect(attempts(out, 'pretrained-b1-s1')).toHaveLength(2); // bounded: JOB_ATTEMPTS

      // Submitted again with a worker that does not refuse: the failed runs are retried, the finished ones reused.
      refusing.child.kill('SIGKILL');
      startWorker(redis.url);
      const again = await runTl(args);
      expect(again.status, again.stderr).toBe(0);
      expect(readResults(out).runs.map(runKey)).toEqual(['scratch-b0.25-s1', 'pretrained-b0.25-s1', 'scratch-b1-s1', 'pretrained-b1-s1']);
      expect(readResults(out).missing).toBeUndefined();
      expect(attempts(out, 'pretrained-b1-s1')).toHaveLength(3);
      expect(attempts(out, 'scratch-b1-s1')).toHaveLength(1);
    }, 300_000);
  });

  it('tl sweep ranks the cells of lr × LLRD decay the same through the queue as in-process', async () => {
    const redis = await startRedis();
    try {
      const sweep = (out: string, extra: readonly string[] = []) => [
        'sweep', '--model', fixtureDir('bert-mlm'), '--target-train', task.targetTrain, '--target-test', task.targetTest, ...task.fieldFlags,
        '--budgets', '0.5,1', '--seeds', '1', '--epochs', '1', '--batch-size', '16', '--max-length', '24',
        '--grid', 'lr=1e-3,3e-3', '--grid', 'llrd:decay=0.5,0.9', '--output-dir', out, ...extra,
      ];
      const local = await runTl(sweep(join(work, 'sweep-local')));
      expect(local.status, local.stderr).toBe(0);
      startWorker(redis.url);
      startWorker(redis.url);
      const queued = await runTl(sweep(join(work, 'sweep-queued'), ['--queue', redis.url]));
      expect(queued.status, queued.stderr).toBe(0);
      expect(queued.stderr).toMatch(/tl: queue: 8\/8 done/); // 4 cells × 2 budgets, all on the queue at once
      type Sweep = { ranking: { rank: number; name: string; accuracy: { mean: number; n: number } }[] };
      const read = (dir: string) => JSON.parse(readFileSync(join(work, dir, 'sweep.json'), 'utf8')) as Sweep;
      const [a, b] = [read('sweep-local'), read('sweep-queued')];
      expect(a.ranking.map((r) => r.name).sort()).toEqual(['lr=1e-3 llrd.decay=0.5', 'lr=1e-3 llrd.decay=0.9', 'lr=3e-3 llrd.decay=0.5', 'lr=3e-3 llrd.decay=0.9']);
      expect(b.ranking.map((r) => [r.name, r.accuracy.mean, r.accuracy.n])).toEqual(a.ranking.map((r) => [r.name, r.accuracy.mean, r.accuracy.n]));
      const means = a.ranking.map((r) => r.accuracy.mean);
      expect(means).toEqual([...means].sort((x, y) => y - x)); // best first
      expect(queued.stdout).toBe(local.stdout);
      // Each cell is a transfer experiment of its own, with the cell's strategy.
      const cell = JSON.parse(readFileSync(join(work, 'sweep-queued', 'cells', 'lr-3e-3_llrd.decay-0.9', 'results.json'), 'utf8')) as TransferResults;
      expect(cell.strategies).toEqual(['llrd:decay=0.9']);
      expect(cell.conditions).toEqual(['pretrained']);
    } finally {
      await stopWorkers();
      await redis.stop();
    }
  }, 300_000);

  it('completes the grid across a Redis crash and restart (append-only file), no run lost and none run twice', async () => {
    const redis = await startRedis({ appendOnly: true });
    try {
      const out = join(work, 'redis-restart');
      const a = startWorker(redis.url);
      const b = startWorker(redis.url);
      const submitted = runTl(grid(out, ['--queue', redis.url]));
      await Promise.race([a.waitFor(/intermediate-\S+ finished/), b.waitFor(/intermediate-\S+ finished/)]); // source done, the grid under way
      await redis.kill();
      await new Promise((ok) => setTimeout(ok, 1500));
      await redis.start();
      const r = await submitted;
      expect(r.status, r.stderr).toBe(0);
      expect(`${a.log}${b.log}`).toMatch(/redis: .*\(retrying\)/); // the workers did see it go
      const results = readResults(out);
      expectSameAccuracies(results, inProcess);
      expect(readFileSync(join(out, 'transfer.jsonl'), 'utf8').trim().split('\n').map((l) => runKey(JSON.parse(l) as TransferRun)).sort()).toEqual(inProcess.runs.map(runKey).sort());
      for (const run of results.runs) expect(attempts(out, runKey(run)), runKey(run)).toHaveLength(1);
      expect(attempts(out, 'source')).toHaveLength(1);
    } finally {
      await stopWorkers();
      await redis.stop();
    }
  }, 300_000);

  it('refuses an unreachable or malformed --queue in one line', async () => {
    const unreachable = await runTl([...grid(join(work, 'nowhere')), '--queue', 'redis://127.0.0.1:1']);
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toMatch(/^tl: error: --queue redis:\/\/127\.0\.0\.1:1: cannot reach Redis \(.*ECONNREFUSED.*\)\n$/);
    const malformed = await runTl(['worker', '--queue', 'http://127.0.0.1:6379']);
    expect(malformed.status).toBe(1);
    expect(malformed.stderr).toBe("tl: error: --queue: 'http://127.0.0.1:6379' is not a redis:// URL (expected redis://HOST:PORT)\n");
    const axis = await runTl(['sweep', '--model', fixtureDir('bert-mlm'), '--target-train', task.targetTrain, '--target-test', task.targetTest, '--output-dir', join(work, 'bad-sweep'), '--grid', 'momentum=0.9,0.99']);
    expect(axis.status).toBe(1);
    expect(axis.stderr).toMatch(/^tl: error: --grid momentum=0\.9,0\.99: 'momentum' is not a flag a grid can vary \(lr, weight-decay/);
  }, 300_000);
});
