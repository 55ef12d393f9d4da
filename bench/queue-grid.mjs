#!/usr/bin/env node
/**
 * The demo's transfer grid in this process and through the queue with 1 and 2 `tl worker`s on this
 * machine (a redis-server started here on a free port, stopped after): wall-clock of each, the queue's
 * overhead per job, and whether the queued results.json has the in-process accuracies.
 *
 *   node bench/queue-grid.mjs [--quick] [--workers 1,2] [--out DIR] [--model ID|DIR]
 *
 * Prints one JSON object. Workers are processes on this machine; on one with fewer cores than
 * workers they share the cores, so the speed-up is bounded by the cores, not by the queue.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(REPO, 'packages', 'cli', 'dist', 'bin.js');
const { DEMO_SIZES, demoTransferArgs, writeDemoTasks } = await import(join(REPO, 'packages', 'cli', 'dist', 'demo', 'demo-grid.js'));

const { values: opt } = parseArgs({ options: { quick: { type: 'boolean', default: false }, workers: { type: 'string', default: '1,2' }, out: { type: 'string' }, model: { type: 'string', default: 'tl-bert-en-small' } } });
const size = opt.quick ? DEMO_SIZES.quick : DEMO_SIZES.full;
const out = resolve(opt.out ?? mkdtempSync(join(tmpdir(), 'tl-queue-bench-')));
const model = opt.model; // the demo's model by default; tl transfer resolves ids and folders alike
const tasks = await writeDemoTasks(join(out, 'data'), size);

const run = (args, opts = {}) =>
  new Promise((ok, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? ok(err) : fail(new Error(`tl ${args[0]} exited with ${code}:\n${err}`))));
  });
const timed = async (f) => {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
};
/**
 * The queue's cost per job from the workers' own logs (runs/<run>/worker.jsonl, start and end of each
 * attempt): the time a worker spent on a job beyond the run itself (job data, loading the shared
 * experiment on its first job, writing logs, reporting back), plus its idle gap before the next job
 * (fetching it from Redis). Unlike the wall-clock difference, this does not depend on what else the
 * machine is running at the time.
 */
function overheadFromLogs(dir, runs) {
  const seconds = new Map(runs.map((r) => [`${r.condition}-b${r.budget}-s${r.seed}`, r.seconds]));
  const entries = readdirSync(join(dir, 'runs')).filter((run) => existsSync(join(dir, 'runs', run, 'worker.jsonl'))).flatMap((run) =>
    readFileSync(join(dir, 'runs', run, 'worker.jsonl'), 'utf8').trim().split('\n').map((l) => ({ run, ...JSON.parse(l) })));
  const byWorker = new Map();
  for (const e of entries) byWorker.set(e.worker, [...(byWorker.get(e.worker) ?? []), e]);
  let inJob = 0;
  let gaps = 0;
  let jobs = 0;
  for (const list of byWorker.values()) {
    list.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    for (let i = 0; i + 1 < list.length; i += 2) {
      const [start, end] = [list[i], list[i + 1]];
      jobs++;
      if (seconds.has(start.run)) inJob += (Date.parse(end.time) - Date.parse(start.time)) / 1000 - seconds.get(start.run);
      if (i + 2 < list.length) gaps += (Date.parse(list[i + 2].time) - Date.parse(end.time)) / 1000;
    }
  }
  return { jobs, inJobSecondsPerRun: inJob / seconds.size, gapSecondsPerJob: gaps / Math.max(1, jobs - byWorker.size) };
}
const results = (dir) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
const port = await new Promise((ok) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });

const report = { model, size: opt.quick ? 'quick' : 'full', cores: cpus().length, jobs: 0, inProcessSeconds: 0, queue: [] };
const base = join(out, 'in-process');
report.inProcessSeconds = await timed(() => run(demoTransferArgs(model, tasks, size, base)));
const reference = results(base);
report.jobs = reference.runs.length + 1; // + the source fine-tuning
report.runSecondsInProcess = reference.runs.reduce((s, r) => s + r.seconds, 0);

const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', out, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
await new Promise((ok) => setTimeout(ok, 500));
const url = `redis://127.0.0.1:${port}`;
try {
  for (const n of opt.workers.split(',').map(Number)) {
    const dir = join(out, `queue-${n}`);
    const workers = Array.from({ length: n }, () => spawn(process.execPath, [BIN, 'worker', '--queue', url], { stdio: 'ignore' }));
    await new Promise((ok) => setTimeout(ok, 3000)); // workers up (tfjs loaded) before the clock starts, as on a cluster
    const seconds = await timed(() => run([...demoTransferArgs(model, tasks, size, dir), '--queue', url]));
    for (const w of workers) w.kill('SIGTERM');
    const got = results(dir);
    const diff = Math.max(...reference.runs.map((r, i) => Math.abs(r.accuracy - got.runs[i].accuracy)));
    report.queue.push({ workers: n, seconds, overhead: overheadFromLogs(dir, got.runs), maxAccuracyDifference: diff, sameRuns: JSON.stringify(got.runs.map((r) => [r.condition, r.budget, r.seed])) === JSON.stringify(reference.runs.map((r) => [r.condition, r.budget, r.seed])) });
  }
} finally {
  redis.kill('SIGTERM');
}
const one = report.queue.find((q) => q.workers === 1);
// Wall-clock difference per job against in-process (noisy on a shared machine; see `overhead` for the logged one).
if (one) report.wallClockDifferencePerJobSeconds = (one.seconds - report.inProcessSeconds) / report.jobs;
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
