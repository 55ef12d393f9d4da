/**
 * The CLI fuzzer's cases and its verdict on each, shared by the in-process worker and the spawned
 * check so both judge by the same rules. No tfjs here: the parent process stays light.
 *
 * A case is (command, number): the number seeds which input file is mutated and how. Each case gets
 * its own folder with the model (links to the fixture's files, one of them replaced when config.json
 * or tokenizer.json is the target) and the data files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mutate } from './mutate.mjs';
import { rng } from './seeded-random.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURE = join(ROOT, 'test', 'fixtures', 'hf-tiny', 'bert-cls');
const MODEL_FILES = ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'];

const TEXTS = ['the cat sat on the mat', 'a dog barked twice', 'rain on the roof', 'music, loud and "bright"'];
/** The unmutated inputs: small, valid, and exercising pairs, quotes and both label kinds. */
const BASE = {
  'train.jsonl': TEXTS.map((text, i) => JSON.stringify({ text, label: i % 3 })).join('\n') + '\n',
  'train.csv': 'text,label\n' + TEXTS.map((t, i) => `"${t.replaceAll('"', '""')}",LABEL_${i % 3}`).join('\n') + '\n',
  'input.jsonl': TEXTS.map((text, i) => JSON.stringify(i % 2 ? { text, text_pair: TEXTS[0] } : { text })).join('\n') + '\n',
};

/** What each command reads, and so what the fuzzer mutates. */
export const TARGETS = {
  finetune: ['train.jsonl', 'train.csv', 'config.json', 'tokenizer.json'],
  predict: ['input.jsonl', 'config.json', 'tokenizer.json'],
  evaluate: ['train.jsonl', 'train.csv', 'config.json', 'tokenizer.json'],
};
export const COMMANDS = Object.keys(TARGETS);

const kindOf = (file) => (file.endsWith('.jsonl') ? 'jsonl' : file.endsWith('.csv') ? 'csv' : 'json');
const fixtureBytes = new Map(MODEL_FILES.map((f) => [f, readFileSync(join(FIXTURE, f))]));

/** A numeric seed for (seed, command, index): distinct per case, stable across runs. */
function caseSeed(seed, command, index) {
  let h = (seed * 2654435761) >>> 0;
  for (const c of `${command}#${index}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/**
 * Writes case `index` of `command` under `dir`; returns the argv (after `tl`) and the paths the
 * verdict checks. `finetune`'s data file is whichever data target was drawn (JSONL when a model file is).
 */
export async function buildCase(dir, command, index, seed = 1) {
  const random = rng(caseSeed(seed, command, index));
  const target = TARGETS[command][Math.floor(random() * TARGETS[command].length)];
  const base = target in BASE ? Buffer.from(BASE[target]) : fixtureBytes.get(target);
  const { bytes, applied } = mutate(random, base, kindOf(target));

  const modelDir = join(dir, 'model');
  await mkdir(modelDir, { recursive: true });
  for (const f of MODEL_FILES) {
    if (f === target) await writeFile(join(modelDir, f), bytes);
    else await symlink(join(FIXTURE, f), join(modelDir, f)).catch(() => copyFile(join(FIXTURE, f), join(modelDir, f)));
  }
  const dataName = target.startsWith('train.') || target === 'input.jsonl' ? target : command === 'predict' ? 'input.jsonl' : 'train.jsonl';
  const data = join(dir, dataName);
  await writeFile(data, dataName === target ? bytes : BASE[dataName]);

  const out = join(dir, 'out');
  const common = ['--model', modelDir, '--backend', 'cpu'];
  const argv =
    command === 'finetune'
      ? ['finetune', ...common, '--train', data, '--output-dir', out, '--max-steps', '1', '--batch-size', '2', '--max-length', '16']
      : command === 'predict'
        ? ['predict', ...common, '--input', data, '--output', join(out, 'predictions.jsonl'), '--max-length', '16']
        : ['evaluate', ...common, '--data', data, '--output', join(out, 'report.json'), '--json', '--max-length', '16'];
  return { command, index, target, applied, argv, data, out };
}

/** Lines of stderr that are neither the error nor a note or warning: a stack frame, a dump, noise. */
const isExtraLine = (line) => !/^tl: (error|note|warning): /.test(line);

/**
 * The verdict on one run: 'ok' (exit 0 with complete output), 'error' (exit 1 with exactly one
 * typed `tl: error:` line and nothing written) or a failure kind with a reason.
 */
export function judge(c, { code, stderr }) {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => l.startsWith('tl: error: '));
  if (code === 0) {
    if (errors.length > 0) return { verdict: 'bad-exit', reason: `exit 0 with ${errors[0]}` };
    const incomplete = outputProblem(c);
    return incomplete ? { verdict: 'partial-output', reason: incomplete } : { verdict: 'ok' };
  }
  if (code !== 1) return { verdict: 'bad-exit', reason: `exit ${code}: ${lines.at(-1) ?? ''}` };
  if (lines.some((l) => /^\s+at /.test(l))) return { verdict: 'stack-trace', reason: errors[0] ?? lines[0] };
  if (errors.length !== 1) return { verdict: 'not-one-line', reason: lines.slice(0, 3).join(' | ') || '(no stderr)' };
  if (errors[0].startsWith('tl: error: unexpected error')) return { verdict: 'untyped-error', reason: errors[0] };
  const extra = lines.filter(isExtraLine);
  if (extra.length > 0) return { verdict: 'not-one-line', reason: `${errors[0]} | ${extra[0]}` };
  const written = writtenOnFailure(c);
  return written ? { verdict: 'partial-output', reason: `${errors[0]} | but ${written}` } : { verdict: 'error', message: errors[0] };
}

/** On success: every output the command promises is there and whole. */
function outputProblem(c) {
  try {
    if (c.command === 'predict') {
      const expected = readFileSync(c.data, 'utf8').split('\n').filter((l) => l.replace(/\r$/, '').trim() !== '').length;
      const got = readFileSync(join(c.out, 'predictions.jsonl'), 'utf8').split('\n').filter(Boolean);
      if (got.length !== expected) return `predictions.jsonl has ${got.length} lines for ${expected} inputs`;
      for (const l of got) {
        const p = JSON.parse(l);
        if (typeof p.label !== 'string' || typeof p.score !== 'number' || !Array.isArray(p.logits)) return `predictions.jsonl line ${l.slice(0, 80)}`;
      }
    } else if (c.command === 'evaluate') {
      const report = JSON.parse(readFileSync(join(c.out, 'report.json'), 'utf8'));
      if (typeof report.metrics?.eval_accuracy !== 'number') return 'report.json lacks metrics.eval_accuracy';
    } else {
      for (const f of ['model.safetensors', 'config.json', 'metrics.jsonl']) if (!existsSync(join(c.out, f))) return `${f} missing in the output folder`;
    }
    return undefined;
  } catch (e) {
    return `output unreadable: ${e.message}`;
  }
}

/** On failure: nothing a user could take for a result. (finetune's metrics.jsonl of started steps is a log, not a result.) */
function writtenOnFailure(c) {
  const results = c.command === 'predict' ? ['predictions.jsonl'] : c.command === 'evaluate' ? ['report.json'] : ['model.safetensors', 'config.json'];
  const found = results.filter((f) => existsSync(join(c.out, f)));
  return found.length > 0 ? `${found.join(', ')} written` : undefined;
}

/** The mutated file of a case, for a report: what to look at when reproducing it. */
export async function caseFile(c) {
  const path = c.target.startsWith('train.') || c.target === 'input.jsonl' ? c.data : join(dirname(c.data), 'model', c.target);
  return { path, bytes: await readFile(path) };
}
