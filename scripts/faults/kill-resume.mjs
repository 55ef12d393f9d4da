#!/usr/bin/env node
/**
 * Kills `tl finetune` with SIGKILL at random moments (some at random times, some while a checkpoint
 * or the final model is being written), resumes it with `--resume` each time, and checks that
 *   - every checkpoint-N folder left behind is complete (the atomic save never exposes half a folder),
 *   - every resume continues from the newest complete checkpoint (its "resuming from" line says so),
 *   - the finished run's model.safetensors is bitwise that of an uninterrupted run, and its
 *     metrics.jsonl train lines are identical too.
 *
 *   node scripts/faults/kill-resume.mjs [--kills 20] [--seed 1] [--steps 12] [--backend cpu] [--keep]
 *
 * Prints one line per kill and a JSON summary (killedDuringWrite: kills 0-3 ms after a save began;
 * interruptedSaves: kills that left a save's temp folder or file behind); exits 1 if any check failed. Needs the built CLI
 * (pnpm run build). test/faults/kill-resume.test.ts runs it with 3 kills.
 */
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rng } from './seeded-random.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TL_BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'hf-tiny', 'bert-cls');


const TEXTS = [
  'the cat sat on the mat', 'a dog barked at the mail carrier', 'birds sing in the early morning',
  'rain falls softly on the roof', 'the sun is warm today', 'music fills the quiet room',
  'a train leaves the station at noon', 'children play in the park',
];

async function writeTrainingFile(dir) {
  const path = join(dir, 'train.jsonl');
  const lines = [];
  for (let i = 0; i < 24; i++) lines.push(JSON.stringify({ text: `${TEXTS[i % TEXTS.length]} ${i}`, label: i % 3 }));
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * An entry that marks a save: `checkpoint-N.tmp-*` folders and writeFileAtomic's `.name.pid.hex.tmp`
 * files (a save in progress), and `checkpoint-N` itself (renamed into place when whole, or, were
 * the save not atomic, created empty and then filled: a kill just after it lands mid-write).
 */
const isSave = (name) => /\.tmp-/.test(name) || (name.startsWith('.') && name.endsWith('.tmp')) || /^checkpoint-\d+$/.test(name);

/**
 * Runs the CLI; `kill` (optional) decides when to SIGKILL it: `{ afterMs }` or `{ atWrite: k, delayMs }`
 * (the k-th save-in-progress entry seen in the output folder, then delayMs). Resolves with the exit
 * code, signal, stderr and the number of writes seen.
 */
function runFinetune(args, outputDir, kill) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TL_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const seen = new Set();
    let watcher;
    let timer;
    const killNow = () => child.kill('SIGKILL');
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    // The folder may not exist yet: poll for it, then watch it (inotify sees each entry as it appears).
    const startWatching = async () => {
      while (child.exitCode === null && child.signalCode === null && !watcher) {
        try {
          watcher = watch(outputDir, (_event, name) => {
            // inotify reports a temp entry when it appears and again when it is renamed away: count names.
            if (!name || !isSave(name.toString()) || seen.has(name.toString())) return;
            seen.add(name.toString());
            if (kill?.atWrite === seen.size) setTimeout(killNow, kill.delayMs);
          });
        } catch {
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    };
    void startWatching();
    if (kill?.afterMs !== undefined) timer = setTimeout(killNow, kill.afterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      watcher?.close();
      resolve({ code, signal, stderr, writes: seen.size });
    });
  });
}

/**
 * The newest checkpoint-N in `dir` as an independent reader sees it, and any checkpoint-N that is not
 * whole (which the atomic save must never leave): whole means trainer_state.json parses with
 * globalStep N and both safetensors files have the length their header declares.
 */
async function inspectCheckpoints(dir) {
  let names = [];
  try {
    names = await readdir(dir);
  } catch {
    return { newest: undefined, broken: [] };
  }
  let newest;
  const broken = [];
  for (const name of names) {
    const m = /^checkpoint-(\d+)$/.exec(name);
    if (!m) continue;
    const step = Number(m[1]);
    const problem = await checkpointProblem(join(dir, name), step);
    if (problem) broken.push(`${name}: ${problem}`);
    else if (newest === undefined || step > newest) newest = step;
  }
  return { newest, broken };
}

async function checkpointProblem(dir, step) {
  try {
    const state = JSON.parse(await readFile(join(dir, 'trainer_state.json'), 'utf8'));
    if (state.globalStep !== step) return `trainer_state.json says step ${state.globalStep}`;
    for (const file of ['model.safetensors', 'optimizer.safetensors', 'config.json']) {
      const bytes = await readFile(join(dir, file));
      if (file.endsWith('.safetensors')) {
        const headerLength = Number(bytes.readBigUInt64LE(0));
        const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
        let end = 0;
        for (const [k, v] of Object.entries(header)) if (k !== '__metadata__') end = Math.max(end, v.data_offsets[1]);
        if (bytes.length !== 8 + headerLength + end) return `${file} has ${bytes.length} bytes, its header says ${8 + headerLength + end}`;
      } else JSON.parse(bytes.toString('utf8'));
    }
    return undefined;
  } catch (e) {
    return String(e.message ?? e);
  }
}

/** Temp entries of saves in `dir` (what a killed save leaves until the next save clears it). */
const saveTemps = async (dir) => (await readdir(dir).catch(() => [])).filter((n) => isSave(n) && !/^checkpoint-\d+$/.test(n));

const trainLines = async (dir) =>
  (await readFile(join(dir, 'metrics.jsonl'), 'utf8'))
    .split('\n')
    .filter((l) => l.includes('"loss"'))
    .join('\n');

export async function killResume(options = {}) {
  const kills = options.kills ?? 20;
  const steps = options.steps ?? 12;
  const backend = options.backend ?? 'cpu';
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const random = rng(options.seed ?? 1);
  const work = await mkdtemp(join(tmpdir(), 'tl-kill-resume-'));
  const train = await writeTrainingFile(work);
  // Dropout stays on (the fixture's 0.1) and the data is shuffled: a resume must restore both exactly.
  const argsFor = (out) => [
    'finetune', '--model', FIXTURE, '--train', train, '--output-dir', out, '--backend', backend,
    '--save-steps', '1', '--max-steps', String(steps), '--batch-size', '4', '--lr', '1e-3', '--warmup-steps', '2', '--seed', '7',
  ];

  const refDir = join(work, 'reference');
  const started = Date.now();
  const ref = await runFinetune(argsFor(refDir), refDir);
  const refMs = Date.now() - started;
  if (ref.code !== 0) throw new Error(`the uninterrupted run failed (exit ${ref.code}):\n${ref.stderr}`);
  const refWeights = await readFile(join(refDir, 'model.safetensors'));
  const refMetrics = await trainLines(refDir);
  log(`reference: ${steps} steps in ${refMs} ms, ${ref.writes} writes seen`);

  const failures = [];
  const summary = { kills: 0, killedDuringWrite: 0, interruptedSaves: 0, resumes: 0, freshRestarts: 0, runs: 0, identical: 0, failures };
  let trial = 0;
  while (summary.kills < kills) {
    trial++;
    const out = join(work, `trial-${trial}`);
    // 1 to 3 kills in this trial: later ones land in resumed runs.
    let left = Math.min(kills - summary.kills, 1 + Math.floor(random() * 3));
    let resume = false;
    for (;;) {
      const expected = resume ? (await inspectCheckpoints(out)).newest : undefined;
      const args = resume ? [...argsFor(out), '--resume'] : argsFor(out);
      let kill;
      if (left > 0) {
        // Alternate: at a save (first, so a short run covers it), then at a random time.
        kill = summary.kills % 2 === 1
          ? { afterMs: Math.floor(random() * refMs) }
          : { atWrite: 1 + Math.floor(random() * Math.max(1, ref.writes)), delayMs: Math.floor(random() * 4) };
      }
      const tempsBefore = await saveTemps(out);
      const r = await runFinetune(args, out, kill);
      const where = `trial ${trial}${resume ? ` (resumed at ${expected})` : ''}`;
      const note = /resuming from \S+ at step (\d+)/.exec(r.stderr);
      // A run killed before it got to load the checkpoint has said nothing yet; one that got further must name it.
      if (resume && (note || r.signal !== 'SIGKILL')) {
        summary.resumes++;
        if (!note || Number(note[1]) !== expected) {
          failures.push(`${where}: expected to resume at step ${expected}, stderr: ${r.stderr.trim().split('\n').filter((l) => l.startsWith('tl:')).join(' | ') || '(none)'}`);
        }
      }
      if (r.signal === 'SIGKILL') {
        summary.kills++;
        left--;
        // Killed within a few ms of a save starting: the folder or temp file was being written.
        if (kill.atWrite !== undefined && r.writes >= kill.atWrite) summary.killedDuringWrite++;
        // A save's temp folder or file left behind (by this run, not an earlier one) proves the kill landed inside that save.
        const leftovers = (await saveTemps(out)).filter((n) => !tempsBefore.includes(n));
        if (leftovers.length > 0) summary.interruptedSaves++;
        const { newest, broken } = await inspectCheckpoints(out);
        for (const b of broken) failures.push(`${where}: after the kill, ${b}`);
        log(`kill ${summary.kills}: ${where}, ${kill.afterMs !== undefined ? `after ${kill.afterMs} ms` : `at write ${kill.atWrite} (+${kill.delayMs} ms)`}${leftovers.length ? ` inside a save (${leftovers.join(', ')} left)` : ''}; newest complete checkpoint: ${newest ?? 'none'}`);
        resume = newest !== undefined;
        if (!resume) summary.freshRestarts++;
        continue;
      }
      if (r.code !== 0) {
        failures.push(`${where}: exit ${r.code ?? r.signal}: ${r.stderr.trim()}`);
        break;
      }
      // The process finished before the planned kill: fine, a moment after the end.
      summary.runs++;
      const same = Buffer.compare(await readFile(join(out, 'model.safetensors')), refWeights) === 0;
      const sameMetrics = (await trainLines(out)) === refMetrics;
      if (same && sameMetrics) summary.identical++;
      else failures.push(`${where}: final ${same ? '' : 'weights differ from the uninterrupted run'}${!same && !sameMetrics ? ', ' : ''}${sameMetrics ? '' : 'metrics.jsonl train lines differ'}`);
      break;
    }
    if (!options.keep) await rm(out, { recursive: true, force: true });
  }
  if (!options.keep) await rm(work, { recursive: true, force: true });
  else summary.workDir = work;
  return summary;
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--keep') o.keep = true;
    else if (['--kills', '--seed', '--steps'].includes(flag)) o[flag.slice(2)] = Number(argv[++i]);
    else if (flag === '--backend') o.backend = argv[++i];
    else throw new Error(`unknown flag ${flag}`);
  }
  return o;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await stat(TL_BIN).catch(() => {
    console.error(`kill-resume: ${TL_BIN} is missing; run pnpm run build first`);
    process.exit(1);
  });
  const summary = await killResume(parseArgs(process.argv.slice(2)));
  console.log(JSON.stringify(summary, null, 2));
  process.exitCode = summary.failures.length === 0 ? 0 : 1;
}
