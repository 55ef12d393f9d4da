#!/usr/bin/env node
/**
 * `pnpm demo`: the whole transfer pipeline on real offline data, on the default wasm backend.
 *
 *  1. the pretrained model: the small BERT masked LM the repo ships (examples/demo/bert-tiny-wordnet,
 *     made by `tl pretrain` with examples/demo/pretrain-recipe.sh); pretrained here if it is missing;
 *  2. the tasks as JSONL: WordNet gloss → supersense (source, 45 classes) and gloss → part of speech (target);
 *  3. `tl transfer`: scratch vs pretrained vs pretrained + source, at label budgets over seeds;
 *  4. `tl score`: LogME / LEEP / H-score / kNN of the candidate checkpoints for the target task,
 *     with Kendall τ against the accuracies step 3 measured;
 *  5. the report: HTML (inline SVG charts) and Markdown; its path is the last line printed.
 *
 *   node packages/cli/dist/demo/main.js [--quick] [--out DIR] [--model DIR]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildModel, createEngine, readModelConfig, savePretrained, type TransferResults } from '@tl/core';
import { stratifiedSubsample, WordNet, wordnetPosTask, wordnetSupersenseTask, writeTaskJsonl } from '@tl/datasets';
import { writeReport, type ScoreReport } from './report/write-report.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const BIN = join(REPO, 'packages', 'cli', 'dist', 'bin.js');

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: join(REPO, '.cache', 'demo') },
    model: { type: 'string', default: join(REPO, 'examples', 'demo', 'bert-tiny-wordnet') },
  },
});

/** Sizes of the full demo (about 6 minutes on 2 cores) and of `--quick` (the end-to-end test). */
const SIZE = opt.quick
  ? { source: 150, sourceEpochs: 1, targetTrain: 200, targetTest: 120, budgets: '0.1,1', seeds: 2, epochs: 1, minSteps: 4, scoreExamples: 80, pretrainSteps: 20 }
  : { source: 2500, sourceEpochs: 2, targetTrain: 1500, targetTest: 400, budgets: '0.01,0.1,1', seeds: 3, epochs: 2, minSteps: 60, scoreExamples: 300, pretrainSteps: 600 };

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

// 1. The pretrained model.
let model = resolve(opt.model);
if (!existsSync(join(model, 'model.safetensors'))) {
  model = join(out, 'bert-tiny-wordnet');
  say(`no checkpoint at ${opt.model}: pretraining one (${SIZE.pretrainSteps} steps) with tl pretrain`);
  const wordnet = await wordnetSupersenseTask();
  const corpus = join(data, 'glosses.txt');
  await writeFile(corpus, wordnet.train.map((e) => e.text).join('\n') + '\n');
  await tl(['pretrain', '--config', join(REPO, 'examples', 'demo', 'bert-tiny.config.json'), '--corpus', corpus, '--output-dir', model,
    '--max-length', '48', '--batch-size', '32', '--max-steps', String(SIZE.pretrainSteps), '--lr', '2e-3', '--warmup-ratio', '0.05', '--weight-decay', '0.01', '--seed', '42']);
}
say(`pretrained model: ${model}`);

// 2. The tasks as JSONL (the CLI reads any JSONL; nothing below is specific to these tasks).
say('preparing WordNet gloss → supersense (source) and gloss → part of speech (target)');
const cap = <E extends { label: number; text: string }>(xs: readonly E[], n: number) => stratifiedSubsample(xs, { budget: n, seed: 0 });
const wordnet = await WordNet.load();
const supersense = await wordnetSupersenseTask({ wordnet });
const pos = await wordnetPosTask({ wordnet });
const source = await writeTaskJsonl({ ...supersense, train: cap(supersense.train, SIZE.source), validation: [], test: [] }, join(data, 'source'));
const target = await writeTaskJsonl({ ...pos, train: cap(pos.train, SIZE.targetTrain), validation: [], test: cap(pos.test, SIZE.targetTest) }, join(data, 'target'));
say(`source: ${SIZE.source} glosses, ${supersense.labels.length} classes; target: ${SIZE.targetTrain} train / ${SIZE.targetTest} test glosses, ${pos.labels.length} classes (${elapsed()})`);

// 3. Transfer against the baselines.
const transferDir = join(out, 'transfer');
say(`tl transfer: scratch / pretrained / pretrained + source, budgets ${SIZE.budgets}, ${SIZE.seeds} seeds`);
await tl(['transfer', '--model', model, '--source-train', source.train, '--target-train', target.train, '--target-test', target.test,
  '--budgets', SIZE.budgets, '--seeds', String(SIZE.seeds), '--epochs', String(SIZE.epochs), '--min-steps', String(SIZE.minSteps),
  '--source-epochs', String(SIZE.sourceEpochs), '--batch-size', '16', '--lr', '3e-3', '--warmup-ratio', '0.1', '--max-length', '40',
  '--output-dir', transferDir]);
const results = JSON.parse(await readFile(join(transferDir, 'results.json'), 'utf8')) as TransferResults;
say(`transfer done (${elapsed()})`);

// 4. Transfer scores of the candidate checkpoints, against the accuracies measured at the smallest budget.
await createEngine({ backend: 'wasm' });
const randomInit = join(out, 'candidates', 'random-init');
const fresh = buildModel(await readModelConfig(model), { task: 'masked-lm', seed: 1 });
await savePretrained(randomInit, fresh, { tokenizerFrom: model });
fresh.dispose();
const low = results.budgets[0]!;
const meanAt = (c: string) => results.summary.find((s) => s.condition === c && s.budget === low)?.accuracy.mean;
const fineTuned: Record<string, number | undefined> = { 'random-init': meanAt('scratch'), [model.split('/').at(-1)!]: meanAt('pretrained'), 'source-model': meanAt('intermediate') };
const resultsPath = join(out, 'fine-tuned-accuracy.json');
await writeFile(resultsPath, JSON.stringify(fineTuned, null, 2));
say('tl score: LogME, LEEP, H-score, kNN of the candidate checkpoints on the target task');
const scoresPath = join(out, 'scores.json');
await tl(['score', '--candidates', [randomInit, model, results.sourceModel!].join(','), '--data', target.train, '--results', resultsPath,
  '--output', scoresPath, '--max-examples', String(SIZE.scoreExamples), '--max-length', '40']);
const scores = JSON.parse(await readFile(scoresPath, 'utf8')) as ScoreReport;

// 5. The report.
const report = await writeReport({
  title: 'tl demo: WordNet gloss → supersense, transferred to gloss → part of speech',
  setup: [
    `pretrained: ${model} (2-layer 64-wide BERT masked LM, tl pretrain on WordNet glosses)`,
    `source: WordNet gloss → supersense, ${SIZE.source} train-split glosses, ${supersense.labels.length} classes, ${SIZE.sourceEpochs} epochs; target: gloss → part of speech, ${SIZE.targetTrain} training / ${SIZE.targetTest} test-split glosses, ${pos.labels.length} classes`,
    `budgets ${SIZE.budgets} of the target training set, seeds ${results.seeds.join(', ')}, ${SIZE.epochs} epochs (at least ${SIZE.minSteps} steps), batch 16, lr 3e-3, max length 40`,
    `wasm backend, ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, ${elapsed()} in all${opt.quick ? ' (--quick)' : ''}`,
  ],
  transfer: results,
  transferDir,
  scores,
  outputDir: join(out, 'report'),
});
say(`Markdown summary: ${report.markdown}`);
process.stdout.write(`${report.html}\n`);
