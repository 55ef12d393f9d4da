#!/usr/bin/env node
/**
 * `pnpm demo`: the whole transfer pipeline on real offline data, on the default wasm backend.
 *
 *  1. the pretrained model: tl-bert-en-small, the English encoder @tl/models ships (4 layers × 128,
 *     `tl pretrain` on ~8M words of Brown, nlp-corpus, GCIDE, WordNet and SpamAssassin text);
 *  2. the tasks as JSONL: WordNet gloss → supersense (source, 45 classes) and gloss → part of speech (target);
 *  3. `tl transfer`: scratch vs pretrained vs pretrained + source, at label budgets over seeds;
 *  4. `tl score`: LogME / LEEP / H-score / kNN of six candidate checkpoints for the target task
 *     (random init, two checkpoints along the pretraining run, the old 2-layer model, the final
 *     model, the source-tuned model), with Kendall τ against their fine-tuned accuracies;
 *  5. the report: HTML (inline SVG charts) and Markdown; its path is the last line printed.
 *
 *   node packages/cli/dist/demo/main.js [--quick] [--out DIR] [--model DIR] [--queue redis://HOST:PORT]
 *
 * With --queue, step 3's grid runs as jobs for `tl worker`s (see the README's "many machines").
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildModel, createEngine, readModelConfig, resolvePretrained, savePretrained, type TransferResults } from '@tl/core';
import { DEMO_FINETUNE as FINETUNE, DEMO_LR as LR, DEMO_SIZES, demoTransferArgs, writeDemoTasks } from './demo-grid.js';
import { writeReport, type ScoreReport } from './report/write-report.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const BIN = join(REPO, 'packages', 'cli', 'dist', 'bin.js');

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: join(REPO, '.cache', 'demo') },
    model: { type: 'string', default: 'tl-bert-en-small' },
    queue: { type: 'string' },
  },
});

const SIZE = opt.quick ? DEMO_SIZES.quick : DEMO_SIZES.full;

/** Checkpoints along tl-bert-en-small's pretraining run and the 2-layer model the demo used before: extra `tl score` candidates. */
const PRETRAINING_CHECKPOINTS = opt.quick ? [] : ['tl-bert-en-small-step400', 'tl-bert-en-small-step1200'];
const OLD_TINY_MODEL = join(REPO, 'examples', 'demo', 'bert-tiny-wordnet');

const say = (s: string) => process.stderr.write(`demo: ${s}\n`);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

/** Runs `tl ...`; stderr (progress bars, notes) passes through, stdout is returned. */
function tl(args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? ok(out) : fail(new Error(`tl ${args[0]} exited with ${code}`))));
  });
}

const out = resolve(opt.out);
const data = join(out, 'data');
await mkdir(data, { recursive: true });

// 1. The pretrained model: a shipped id (no network) or any folder / hub id.
const model = await resolvePretrained(opt.model);
say(`pretrained model: ${opt.model} (${model})`);

// 2. The tasks as JSONL (the CLI reads any JSONL; nothing below is specific to these tasks).
say('preparing WordNet gloss → supersense (source) and gloss → part of speech (target)');
const tasks = await writeDemoTasks(data, SIZE);
const { target } = tasks;
say(`source: ${SIZE.source} glosses, ${tasks.sourceClasses} classes; target: ${SIZE.targetTrain} train / ${SIZE.targetTest} test glosses, ${tasks.targetClasses} classes (${elapsed()})`);

// 3. Transfer against the baselines.
const transferDir = join(out, 'transfer');
say(`tl transfer: scratch / pretrained / pretrained + source, budgets ${SIZE.budgets}, ${SIZE.seeds} seeds`);
await tl([...demoTransferArgs(model, tasks, SIZE, transferDir), ...(opt.queue ? ['--queue', opt.queue] : [])]);
const results = JSON.parse(await readFile(join(transferDir, 'results.json'), 'utf8')) as TransferResults;
say(`transfer done (${elapsed()})`);

// 4. Transfer scores of the candidate checkpoints, against the accuracies measured at the 10% budget
// (at 1% most runs sit near the majority class, which ranks nothing): the three models step 3
// fine-tuned, plus checkpoints along the pretraining run and the old 2-layer model, each fine-tuned
// here at that budget over the same seeds.
await createEngine({ backend: 'wasm' });
const randomInit = join(out, 'candidates', 'random-init');
const fresh = buildModel(await readModelConfig(model), { task: 'masked-lm', seed: 1 });
await savePretrained(randomInit, fresh, { tokenizerFrom: model });
fresh.dispose();
const rankBudget = results.budgets.includes(0.1) ? 0.1 : results.budgets[0]!;
const meanAt = (r: TransferResults, c: string) => r.summary.find((s) => s.condition === c && s.budget === rankBudget)?.accuracy.mean;
const fineTuned: Record<string, number | undefined> = { 'random-init': meanAt(results, 'scratch'), [opt.model]: meanAt(results, 'pretrained'), 'source-model': meanAt(results, 'intermediate') };
const candidates = [randomInit, model, results.sourceModel!];
for (const extra of [...PRETRAINING_CHECKPOINTS, OLD_TINY_MODEL]) {
  const dir = await resolvePretrained(extra);
  const name = extra.split('/').at(-1)!;
  say(`fine-tuning candidate ${name} at ${rankBudget * 100}% of the labels`);
  const runDir = join(out, 'candidates', name);
  await tl(['transfer', '--model', dir, '--target-train', target.train, '--target-test', target.test, '--conditions', 'pretrained',
    '--budgets', String(rankBudget), '--seeds', String(SIZE.seeds), '--epochs', String(SIZE.epochs), '--min-steps', String(SIZE.minSteps), ...FINETUNE, '--output-dir', runDir]);
  fineTuned[name] = meanAt(JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8')) as TransferResults, 'pretrained');
  candidates.push(dir);
}
const resultsPath = join(out, 'fine-tuned-accuracy.json');
await writeFile(resultsPath, JSON.stringify(fineTuned, null, 2));
say(`tl score: LogME, LEEP, H-score, kNN of ${candidates.length} candidate checkpoints on the target task`);
const scoresPath = join(out, 'scores.json');
await tl(['score', '--candidates', candidates.join(','), '--data', target.train, '--results', resultsPath,
  '--output', scoresPath, '--max-examples', String(SIZE.scoreExamples), '--max-length', '32']);
const scores = JSON.parse(await readFile(scoresPath, 'utf8')) as ScoreReport;

// 5. The report.
const report = await writeReport({
  title: 'tl demo: WordNet gloss → supersense, transferred to gloss → part of speech',
  setup: [
    `pretrained: ${opt.model} (${model})`,
    `source: WordNet gloss → supersense, ${SIZE.source} train-split glosses, ${tasks.sourceClasses} classes, ${SIZE.sourceEpochs} epochs; target: gloss → part of speech, ${SIZE.targetTrain} training / ${SIZE.targetTest} test-split glosses, ${tasks.targetClasses} classes`,
    `budgets ${SIZE.budgets} of the target training set, seeds ${results.seeds.join(', ')}, ${SIZE.epochs} epochs (at least ${SIZE.minSteps} steps), batch 16, lr ${LR}, max length 32`,
    `wasm backend, ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, ${elapsed()} in all${opt.quick ? ' (--quick)' : ''}`,
  ],
  transfer: results,
  transferDir,
  scores,
  outputDir: join(out, 'report'),
});
say(`Markdown summary: ${report.markdown}`);
process.stdout.write(`${report.html}\n`);
