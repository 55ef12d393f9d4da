// The model card's downstream table: scratch vs the pretrained encoder at 1%, 10% and 100% of the
// labels over 3 seeds, on two tasks, with `tl transfer` (same architecture, same hyperparameters;
// scratch is the model's config with random weights):
//   - WordNet gloss → part of speech (the demo's target: 1 500 train-split glosses, 400 test-split);
//   - Brown genre: passages → 15 genres, split by document; the test documents were never pretrained on
//     (a stratified pool of 1 500 train-split passages, 500 test-split passages).
// Writes OUT/downstream.md and OUT/<task>/results.json.
//
//   node examples/pretrain/tl-bert-en-small/downstream.mjs MODEL OUT [--backend torch-cpu] [--quick]
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatMarkdownTable } from '@tl/core';
import { brownGenreTask, stratifiedSubsample, wordnetPosTask, writeTaskJsonl } from '@tl/datasets';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: { backend: { type: 'string', default: 'torch-cpu' }, quick: { type: 'boolean', default: false }, tasks: { type: 'string', default: 'wordnet-pos,brown-genre' } },
});
const [model, outArg] = positionals;
if (!model || !outArg) {
  process.stderr.write('usage: node examples/pretrain/tl-bert-en-small/downstream.mjs MODEL OUT [--backend NAME] [--quick]\n');
  process.exit(2);
}
const out = resolve(outArg);
const cap = (xs, n) => stratifiedSubsample(xs, { budget: Math.min(n, xs.length), seed: 0 });
const q = opt.quick;

const TASKS = [
  {
    name: 'wordnet-pos',
    title: 'WordNet gloss → part of speech (4 classes)',
    load: async () => {
      const t = await wordnetPosTask();
      return { ...t, train: cap(t.train, q ? 200 : 1500), validation: [], test: cap(t.test, q ? 100 : 400) };
    },
    args: ['--max-length', '40', '--epochs', '2', '--min-steps', q ? '4' : '60', '--batch-size', '16'],
  },
  {
    name: 'brown-genre',
    title: 'Brown genre: passage → genre (15 classes, split by document)',
    load: async () => {
      const t = await brownGenreTask();
      return { ...t, train: cap(t.train, q ? 300 : 1500), validation: [], test: cap(t.test, q ? 100 : 500) };
    },
    args: ['--max-length', '128', '--epochs', '2', '--min-steps', q ? '4' : '60', '--batch-size', '16'],
  },
];

const rows = [];
const wanted = new Set(opt.tasks.split(','));
for (const task of TASKS) {
  const dir = join(out, task.name);
  if (!wanted.has(task.name)) {
    // Keep a task measured earlier in the table.
    try {
      const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
      for (const s of results.summary) rows.push({ task: task.title, ...s });
    } catch {}
    continue;
  }
  await mkdir(dir, { recursive: true });
  const files = await writeTaskJsonl(await task.load(), join(dir, 'data'));
  process.stderr.write(`downstream: ${task.name}\n`);
  const r = spawnSync(process.execPath, [join(REPO, 'packages', 'cli', 'dist', 'bin.js'), 'transfer', '--model', model,
    '--target-train', files.train, '--target-test', files.test, '--conditions', 'scratch,pretrained',
    '--budgets', q ? '0.1,1' : '0.01,0.1,1', '--seeds', q ? '1' : '3', '--lr', '5e-4', '--warmup-ratio', '0.1', '--weight-decay', '0.01',
    '--backend', opt.backend, '--output-dir', dir, ...task.args], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`tl transfer on ${task.name} exited with ${r.status}`);
  const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
  for (const s of results.summary) rows.push({ task: task.title, ...s });
}

const pct = (x) => (100 * x).toFixed(1);
const signedGain = (g) => (g === undefined ? '—' : `${g >= 0 ? '+' : '−'}${Math.abs(g).toFixed(1)}`);
const lines = [
  formatMarkdownTable(
    ['task', 'condition', 'budget', 'examples', 'accuracy % (mean ± std, 3 seeds)', 'gain (points)'],
    rows.map((r) => [r.task, r.condition, `${Math.round(r.budget * 100)}%`, r.trainSize, `${pct(r.accuracy.mean)} ± ${pct(r.accuracy.std)}`, signedGain(r.gainPoints)]),
    { align: ['left', 'left', 'right', 'right', 'right', 'right'] },
  ),
];
await writeFile(join(out, 'downstream.md'), lines.join('\n') + '\n');
process.stderr.write(`downstream: ${join(out, 'downstream.md')}\n`);
process.stdout.write(lines.join('\n') + '\n');
