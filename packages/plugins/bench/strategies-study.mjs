#!/usr/bin/env node
/**
 * Accuracy study: every transfer strategy of @tl/plugins against plain fine-tuning, on WordNet gloss →
 * supersense (45 classes) at a small label budget, over several seeds (mean ± std), as a Markdown table.
 *
 *   node packages/plugins/bench/strategies-study.mjs [--budget 900] [--seeds 3] [--epochs 8] [--test 1500] [--lr 3e-3]
 *        [--pretrain-steps 1200] [--only plain,llrd] [--out packages/plugins/bench/strategies-study.md]
 *
 * The source model is a 2-layer, 64-wide BERT masked-LM pretrained by this script on the training
 * glosses (unlabeled) and cached in bench/.cache; there is no large pretrained checkpoint offline.
 * Every run: a stratified label-budget sample of the training split (seeded), the Trainer with the
 * strategy by its CLI spec, then accuracy and macro-F1 on a fixed stratified sample of the test split.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEngine, createStrategies, evaluateModel, formatMarkdownTable, loadModel, TextTokenizer, tokenizerCollator, Trainer } from '@tl/core';
import { splitOf, stratifiedSubsample, WordNet, wordnetPosTask, wordnetSupersenseTask, LEXNAMES } from '@tl/datasets';
import { MultiTaskModel, trainMultiTask } from '@tl/plugins';
import { pretrainedTinyBert } from './wordnet-tiny-bert.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({
  options: {
    budget: { type: 'string', default: '900' },
    seeds: { type: 'string', default: '3' },
    epochs: { type: 'string', default: '8' },
    test: { type: 'string', default: '1500' },
    'pretrain-steps': { type: 'string', default: '1200' },
    lr: { type: 'string', default: '3e-3' },
    only: { type: 'string' },
    out: { type: 'string', default: join(here, 'strategies-study.md') },
    backend: { type: 'string', default: 'wasm' },
  },
});
const budget = Number(opt.budget);
const seeds = Array.from({ length: Number(opt.seeds) }, (_, i) => i + 1);
const epochs = Number(opt.epochs);
const log = (s) => process.stderr.write(`${s}\n`);

await createEngine({ backend: opt.backend });
const t0 = performance.now();
const wordnet = await WordNet.load();
const task = await wordnetSupersenseTask({ wordnet });
const posTask = await wordnetPosTask({ wordnet });
const test = stratifiedSubsample(task.test, { budget: Number(opt.test), seed: 0 });
log(`WordNet: ${task.train.length} train / ${task.test.length} test glosses, ${task.labels.length} classes (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

// The source model: pretrained on the training split's glosses only (never the test glosses).
const cacheDir = join(here, '.cache', `wordnet-tiny-bert-${opt['pretrain-steps']}`);
const pre = await pretrainedTinyBert({ dir: cacheDir, texts: task.train.map((e) => e.text), steps: Number(opt['pretrain-steps']), log });
log(pre.cached ? `pretrained model: ${pre.dir} (cached)` : `pretrained model: ${pre.dir} in ${pre.seconds.toFixed(0)} s`);
const tokenizer = await TextTokenizer.fromFolder(pre.dir);
const collator = tokenizerCollator(tokenizer, { maxLength: 32 });
const id2label = Object.fromEntries(task.labels.map((l, i) => [String(i), l]));

// Auxiliary task: usage-example sentences of training-split synsets, labeled with their supersense.
const auxiliary = wordnet.synsets
  .filter((s) => s.examples.length > 0 && splitOf(s.id) === 'train')
  .map((s) => ({ text: s.examples[0], label: task.labels.indexOf(LEXNAMES[s.lexFile]) }));

/** The conditions: a name, the CLI specs, and how the model starts. */
const CONDITIONS = [
  { name: 'plain', note: 'plain fine-tuning (baseline)', specs: [] },
  { name: 'plain-3x', note: 'plain, 3× the epochs (as many steps as eda:n=2 takes)', specs: [], epochsFactor: 3 },
  { name: 'scratch', note: 'no transfer: random init', specs: [], scratch: true },
  { name: 'share-embeddings', note: 'random init, share:select=embeddings', specs: ['share:select=embeddings'], scratch: true, source: true },
  { name: 'reinit', note: 'reinit:layers=1', specs: ['reinit:layers=1'] },
  { name: 'freeze', note: 'freeze:layers=1 (embeddings + layer 0)', specs: ['freeze:layers=1'] },
  { name: 'llrd', note: 'llrd:decay=0.8', specs: ['llrd:decay=0.8'] },
  { name: 'gradual-unfreeze', note: 'gradual-unfreeze (ULMFiT)', specs: ['gradual-unfreeze'] },
  { name: 'chain-thaw', note: 'chain-thaw', specs: ['chain-thaw'] },
  { name: 'feature-extraction', note: 'feature-extraction (frozen encoder, cached)', specs: ['feature-extraction'] },
  { name: 'lora', note: 'lora:r=8 (query, value)', specs: ['lora:r=8,alpha=16'] },
  { name: 'eda', note: 'eda:n=2 (WordNet synonyms)', specs: ['eda:n=2'] },
  { name: 'contextual', note: 'contextual:n=1 (the source MLM)', specs: [`contextual:n=1,model="${pre.dir}"`] },
  { name: 'auxiliary', note: 'auxiliary:ratio=1 (usage examples → supersense)', specs: [], auxiliary: true },
  { name: 'multi-task', note: 'hard sharing with gloss → POS head, proportional', specs: [], multiTask: true },
  { name: 'layerwise', note: 'layerwise:llrd=0.8,unfreeze=gradual', specs: ['layerwise:llrd=0.8,unfreeze=gradual'], extra: true },
];
const only = opt.only?.split(',');
// `layerwise` repeats two rows above in one spec; it runs when asked for (--only).
const conditions = CONDITIONS.filter((c) => (only ? only.includes(c.name) : !c.extra));

const args = (seed, outputDir, factor = 1) => ({
  numTrainEpochs: epochs * factor,
  batchSize: 32,
  evalBatchSize: 128,
  learningRate: Number(opt.lr),
  warmupRatio: 0.1,
  weightDecay: 0.01,
  seed,
  outputDir,
});

async function runOnce(c, seed) {
  const train = stratifiedSubsample(task.train, { budget, seed });
  const outputDir = join(here, '.cache', 'runs', `${c.name}-${seed}`);
  const started = performance.now();
  let model;
  let metrics;
  if (c.multiTask) {
    const pos = stratifiedSubsample(posTask.train, { budget, seed });
    const mt = await MultiTaskModel.fromPretrained(pre.dir, [{ name: 'supersense', labels: task.labels }, { name: 'pos', labels: posTask.labels }], { seed });
    const run = await trainMultiTask({ model: mt, collator, train: { supersense: train, pos }, evaluation: { supersense: test }, sampling: 'proportional', args: args(seed, outputDir) });
    metrics = run.metrics.supersense;
    run.trainer.dispose();
    mt.dispose();
  } else {
    const spec = { task: 'sequence-classification', id2label, seed };
    model = (await loadModel(pre.dir, spec)).model;
    let source;
    if (c.scratch) {
      // Same architecture, every weight freshly initialised: what the pretraining is worth.
      const { buildModel } = await import('@tl/core');
      const fresh = buildModel(model.config, { ...spec, seed: seed + 1000 });
      if (c.source) source = model;
      else model.dispose();
      model = fresh;
    }
    const strategies = createStrategies(c.specs);
    if (c.auxiliary) {
      const { AuxiliaryData } = await import('@tl/plugins');
      strategies.push(new AuxiliaryData({ examples: auxiliary, ratio: 1 }));
    }
    const trainer = new Trainer({ model, collator, strategies, args: args(seed, outputDir, c.epochsFactor), ...(source && { source }) });
    await trainer.fit(train);
    metrics = await evaluateModel(model, collator, test, { batchSize: 128 });
    trainer.dispose();
    model.dispose();
    source?.dispose();
  }
  return { accuracy: metrics.eval_accuracy, f1: metrics.eval_f1_macro, seconds: (performance.now() - started) / 1000 };
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));
const pct = (x) => (100 * x).toFixed(1);

const rows = [];
const plainOf = () => rows.find((r) => r.c.name === 'plain');
function renderTable() {
  const plain = plainOf();
  return [
    `WordNet gloss → supersense (45 classes), label budget ${budget} (stratified), ${epochs} epochs, batch 32, lr ${opt.lr} (linear, 10% warmup), ` +
      `test: ${test.length} stratified test glosses; seeds ${seeds.join(', ')} (mean ± sample std). Source: 2-layer 64-wide BERT MLM pretrained ` +
      `${opt['pretrain-steps']} steps on the training glosses (${opt.backend} backend).`,
    '',
    formatMarkdownTable(
      ['strategy', 'spec', 'accuracy %', 'Δ vs plain', 'macro-F1 %', 's / run'],
      rows.map(({ c, runs }) => {
        const acc = runs.map((r) => r.accuracy);
        const delta = plain && c !== plain.c ? `${(100 * (mean(acc) - mean(plain.runs.map((r) => r.accuracy)))).toFixed(1)}` : '—';
        const f1 = runs.map((r) => r.f1);
        return [c.name, c.note, `${pct(mean(acc))} ± ${pct(std(acc))}`, delta, `${pct(mean(f1))} ± ${pct(std(f1))}`, mean(runs.map((r) => r.seconds)).toFixed(1)];
      }),
      { align: ['left', 'left', 'right', 'right', 'right', 'right'] },
    ),
  ].join('\n');
}

await mkdir(dirname(opt.out), { recursive: true });
for (const c of conditions) {
  const runs = [];
  for (const seed of seeds) {
    const r = await runOnce(c, seed);
    runs.push(r);
    log(`${c.name} seed ${seed}: accuracy ${pct(r.accuracy)}%, macro-F1 ${pct(r.f1)}%, ${r.seconds.toFixed(1)} s`);
  }
  rows.push({ c, runs });
  // Written after every strategy, so an interrupted study still leaves its finished rows.
  await writeFile(opt.out, `${renderTable()}\n`);
}
process.stdout.write(`${renderTable()}\n`);
log(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
