#!/usr/bin/env node
/**
 * Fuzzes `tl finetune`, `tl predict` and `tl evaluate` with mutated inputs (JSONL, CSV, config.json,
 * tokenizer.json; see mutate.mjs) and checks that each run either succeeds with complete output or
 * fails with exactly one typed `tl: error:` line, exit 1 and no result file: no stack trace, no
 * untyped error, no hang past --timeout-ms, no partial output.
 *
 *   nice -n 15 node scripts/faults/fuzz-cli.mjs [--cases 10000] [--seed 1] [--spawn-sample 100]
 *       [--timeout-ms 60000] [--max-minutes M] [--commands finetune,predict,evaluate]
 *
 * --cases is per command. Cases run in-process in a forked worker (fuzz-worker.mjs; a process per case
 * would take hours), and every (cases/spawn-sample)-th case of each command is run again as a real
 * `node packages/cli/dist/bin.js` process, whose verdict must match. Prints progress, then a JSON
 * summary; exits 1 if any case failed. A failing case is reproduced from its command and number
 * (`--only finetune:123`). Needs the built CLI (pnpm run build). test/faults/fuzz-cli.test.ts runs a few hundred.
 */
import { fork, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildCase, COMMANDS, judge, ROOT } from './fuzz-cases.mjs';

const WORKER = fileURLToPath(new URL('./fuzz-worker.mjs', import.meta.url));
const TL_BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');

/** One forked worker at a time; a hang or a crash kills it and the next case gets a fresh one. */
class Worker {
  #child;
  #pending;
  #stderrTail = '';

  async start() {
    // A heap cap: an input that makes tl allocate without bound fails the case instead of the machine.
    this.#child = fork(WORKER, [], { silent: true, execArgv: ['--max-old-space-size=2048'] });
    // Drain the worker's own output (tfjs banners); keep the tail for a crash report.
    this.#child.stdout.resume();
    this.#child.stderr.setEncoding('utf8').on('data', (d) => (this.#stderrTail = (this.#stderrTail + d).slice(-2000)));
    await new Promise((resolve, reject) => {
      this.#child.once('message', (m) => (m.ready ? resolve() : reject(new Error('worker did not start'))));
      this.#child.once('exit', (code) => reject(new Error(`worker exited (${code}) before starting: ${this.#stderrTail}`)));
    });
    this.#child.on('message', (m) => this.#pending?.resolve(m));
    this.#child.on('exit', (code, signal) => this.#pending?.resolve({ verdict: 'crash', reason: `worker died (${signal ?? code}): ${this.#stderrTail.trim().split('\n').slice(-3).join(' | ')}` }));
  }

  /** Runs one case; resolves with the worker's verdict, or 'hang' after timeoutMs (and restarts). */
  async run(job, timeoutMs) {
    for (let attempt = 1; !this.#child; attempt++) {
      try {
        await this.start();
      } catch (e) {
        // A start can fail for a moment (e.g. while dist/ is being rebuilt); give up after a few tries.
        this.#child = undefined;
        if (attempt === 5) throw e;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    const result = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ verdict: 'hang', reason: `no result after ${timeoutMs} ms` }), timeoutMs);
      this.#pending = { resolve: (m) => (clearTimeout(timer), resolve(m)) };
      this.#child.send(job);
    });
    this.#pending = undefined;
    if (result.verdict === 'hang' || result.verdict === 'crash') await this.stop();
    return result;
  }

  async stop() {
    const child = this.#child;
    this.#child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
  }
}

/** The same case as a real process: its own exit code and stderr. */
function spawnCase(c, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TL_BIN, ...c.argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? { hang: true } : { code, stderr });
    });
  });
}

/** Error messages grouped with paths and numbers blanked, to see which checks the fuzzer reaches. */
const messageKind = (m) => m.replace(/\/\S+/g, '<path>').replace(/\d+(\.\d+)?/g, 'N').slice(0, 110);

export async function fuzzCli(options = {}) {
  const perCommand = options.cases ?? 10_000;
  const seed = options.seed ?? 1;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const commands = options.commands ?? COMMANDS;
  const spawnEvery = options.spawnSample ? Math.max(1, Math.floor(perCommand / options.spawnSample)) : 0;
  const deadline = options.maxMinutes ? Date.now() + options.maxMinutes * 60_000 : Infinity;
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const dir = await mkdtemp(join(tmpdir(), 'tl-fuzz-'));
  const worker = new Worker();

  const counts = Object.fromEntries(commands.map((c) => [c, { cases: 0, ok: 0, error: 0, failed: 0, spawned: 0, spawnMismatch: 0, inProcessSeconds: 0 }]));
  const failures = [];
  const messages = new Map();
  let leakyCases = 0;
  const started = Date.now();
  const jobs = options.only
    ? options.only.map(([command, index]) => ({ command, index }))
    : Array.from({ length: perCommand }, (_, index) => commands.map((command) => ({ command, index }))).flat();

  let id = 0;
  for (const { command, index } of jobs) {
    if (Date.now() > deadline) break;
    id++;
    const r = await worker.run({ id, command, index, seed, dir }, timeoutMs);
    const count = counts[command];
    count.cases++;
    count.inProcessSeconds = Math.round((count.inProcessSeconds + (r.ms ?? timeoutMs) / 1000) * 10) / 10;
    if (r.leaked > 0) leakyCases++;
    if (r.verdict === 'ok' || r.verdict === 'error') {
      count[r.verdict]++;
      if (r.message) messages.set(`${command}: ${messageKind(r.message)}`, (messages.get(`${command}: ${messageKind(r.message)}`) ?? 0) + 1);
    } else {
      count.failed++;
      failures.push({ case: `${command}:${index}`, verdict: r.verdict, reason: r.reason, target: r.target, applied: r.applied });
      log(`FAIL ${command}:${index} ${r.verdict} (${r.target} ${r.applied?.join('+')}): ${r.reason}`);
    }
    if (spawnEvery && index % spawnEvery === 0) {
      // Same case, same paths, as a real process: the in-process run must not hide a difference.
      const caseDir = join(dir, `spawned-${id}`);
      const c = await buildCase(caseDir, command, index, seed);
      // A process of its own starts tfjs and the backends first: allow for that on a loaded machine.
      const s = await spawnCase(c, timeoutMs + 60_000);
      const v = s.hang ? { verdict: 'hang' } : judge(c, s);
      count.spawned++;
      // Messages name the case's own folder; compare them with that folder blanked.
      const same = (a, aDir, b, bDir) => a?.replaceAll(aDir, '<case>') === b?.replaceAll(bDir, '<case>');
      if (v.verdict !== r.verdict || (v.verdict === 'error' && !same(v.message, caseDir, r.message, join(dir, `case-${id}`)))) {
        count.spawnMismatch++;
        failures.push({ case: `${command}:${index}`, verdict: 'spawn-mismatch', reason: `in-process ${r.verdict} ${r.message ?? r.reason ?? ''} vs spawned ${v.verdict} ${v.message ?? v.reason ?? ''}` });
        log(`FAIL ${command}:${index} spawn-mismatch: in-process ${r.verdict} ${r.message ?? r.reason ?? ''}, spawned ${v.verdict} ${v.message ?? v.reason ?? ''}`);
      }
      await rm(caseDir, { recursive: true, force: true });
    }
    if (id % 300 === 0) {
      const s = (Date.now() - started) / 1000;
      log(`${id} cases in ${s.toFixed(0)} s (${(id / s).toFixed(1)}/s): ${JSON.stringify(counts)}`);
    }
  }
  await worker.stop();
  await rm(dir, { recursive: true, force: true });
  const seconds = (Date.now() - started) / 1000;
  return {
    seed,
    casesPerCommand: perCommand,
    seconds: Math.round(seconds),
    casesPerSecond: Number((id / seconds).toFixed(2)),
    counts,
    failures,
    casesThatLeakedTensors: leakyCases,
    errorKinds: Object.fromEntries([...messages].sort((a, b) => b[1] - a[1]).slice(0, options.topMessages ?? 40)),
  };
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    if (flag === '--cases') o.cases = Number(value());
    else if (flag === '--seed') o.seed = Number(value());
    else if (flag === '--spawn-sample') o.spawnSample = Number(value());
    else if (flag === '--timeout-ms') o.timeoutMs = Number(value());
    else if (flag === '--max-minutes') o.maxMinutes = Number(value());
    else if (flag === '--commands') o.commands = value().split(',');
    else if (flag === '--only') o.only = value().split(',').map((s) => [s.split(':')[0], Number(s.split(':')[1])]);
    else throw new Error(`unknown flag ${flag}`);
  }
  return o;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const summary = await fuzzCli(parseArgs(process.argv.slice(2)));
  console.log(JSON.stringify(summary, null, 2));
  process.exitCode = summary.failures.length === 0 ? 0 : 1;
}
