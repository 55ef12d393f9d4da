/**
 * The fuzzer's in-process runner (forked by fuzz-cli.mjs): for each case it receives, it builds the
 * case's files, runs `tl` through runCli (the same path bin.ts takes, without a process per case),
 * captures stdout/stderr, judges the result and removes the files. An uncaught exception or an
 * unhandled rejection is reported as a crash of the case at hand; a hang is the parent's to detect.
 */
import { createRequire } from 'node:module';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildCase, judge, ROOT } from './fuzz-cases.mjs';

const { runCli } = await import(join(ROOT, 'packages', 'cli', 'dist', 'run-cli.js'));
const tf = createRequire(join(ROOT, 'packages', 'core', 'package.json'))('@tensorflow/tfjs-core');

/** Live tensors, once a command has initialised a backend (tfjs throws before that). */
function liveTensors() {
  try {
    return tf.memory().numTensors;
  } catch {
    return 0;
  }
}

let current;
const report = (message) => process.send(message);

function crash(kind, error) {
  if (!current) return;
  report({ id: current.id, verdict: 'crash', reason: `${kind}: ${error?.stack ?? error}`.split('\n').slice(0, 4).join(' | ') });
  current = undefined;
}
process.on('uncaughtException', (e) => crash('uncaught exception', e));
process.on('unhandledRejection', (e) => crash('unhandled rejection', e));

/** Runs argv with process.stdout/stderr writes captured (commander, the commands and tfjs all write there). */
async function capture(argv) {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  let stdout = '';
  let stderr = '';
  process.stdout.write = (chunk, ...rest) => {
    stdout += String(chunk);
    rest.find((r) => typeof r === 'function')?.();
    return true;
  };
  process.stderr.write = (chunk, ...rest) => {
    stderr += String(chunk);
    rest.find((r) => typeof r === 'function')?.();
    return true;
  };
  try {
    const code = await runCli(['node', 'tl', ...argv]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

process.on('message', async ({ id, command, index, seed, dir }) => {
  current = { id };
  const caseDir = join(dir, `case-${id}`);
  try {
    const c = await buildCase(caseDir, command, index, seed);
    const tensorsBefore = liveTensors();
    const started = Date.now();
    const result = await capture(c.argv);
    const ms = Date.now() - started;
    const verdict = judge(c, result);
    const leaked = liveTensors() - tensorsBefore;
    if (current?.id === id) report({ id, ...verdict, target: c.target, applied: c.applied, ms, leaked });
  } catch (e) {
    crash('fuzzer', e);
  } finally {
    current = undefined;
    await rm(caseDir, { recursive: true, force: true });
  }
});
report({ ready: true });
