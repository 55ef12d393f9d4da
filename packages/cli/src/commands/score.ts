import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import {
  frozenOutputs,
  fromPretrained,
  hScore,
  itemProgress,
  kendallTau,
  knnAccuracy,
  leep,
  loadDataset,
  logMe,
  parseJsonObject,
  readModelConfig,
  resolvePretrained,
  SeededRandom,
  taskFromArchitectures,
  TlError,
  type Example,
  type Pooling,
} from '@tl/core';
import { engineFor } from '../runtime/backend.js';
import { nonNegativeInt, positiveInt } from '../runtime/options.js';

interface ScoreFlags {
  candidates: string;
  data: string;
  results?: string;
  output?: string;
  textField: string;
  textPairField?: string;
  labelField: string;
  maxExamples: number;
  pooling: Pooling;
  knnK: number;
  maxLength: number;
  batchSize: number;
  seed: number;
  backend: string;
}

const SCORES = ['logme', 'leep', 'hscore', 'knn'] as const;
type ScoreName = (typeof SCORES)[number];

/** One candidate's scores; `leep` is null without a source classification head. */
interface CandidateScores {
  readonly candidate: string;
  readonly logme: number;
  readonly leep: number | null;
  readonly hscore: number;
  readonly knn: number;
  /** The accuracy fine-tuning reached, from --results. */
  readonly fineTuned?: number;
}

/** --results: `{ "<candidate>": accuracy }`, the value a number or an object with `accuracy` / `eval_accuracy`. */
async function readResults(path: string): Promise<Map<string, number>> {
  const json = parseJsonObject(await readFile(path, 'utf8').catch((e: Error) => {
    throw new TlError('INPUT', `${path}: cannot read: ${e.message}`, { cause: e });
  }), path, 'INPUT');
  const out = new Map<string, number>();
  for (const [key, value] of Object.entries(json)) {
    const v = typeof value === 'object' && value !== null ? ((value as Record<string, unknown>)['accuracy'] ?? (value as Record<string, unknown>)['eval_accuracy']) : value;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TlError('INPUT', `${path}: "${key}" must be an accuracy (a number, or an object with "accuracy"), got ${JSON.stringify(value)}`);
    out.set(key, v);
  }
  return out;
}

/** The candidate's fine-tuned accuracy: by the name given on the command line, else by folder name. */
function resultFor(results: Map<string, number>, candidate: string): number | undefined {
  return results.get(candidate) ?? results.get(basename(candidate.replace(/\/+$/, '')));
}

/**
 * The --results keys that name no candidate are a typo or another naming: said before any model is
 * loaded, with what a key may be. Kendall τ needs two candidates with an accuracy, so fewer is an error.
 */
function checkResultKeys(results: Map<string, number>, candidates: readonly string[], path: string): void {
  const names = candidates.map((c) => [...new Set([c, basename(c.replace(/\/+$/, ''))])]);
  const usable = new Set(names.flat());
  const unmatched = [...results.keys()].filter((k) => !usable.has(k));
  const matched = candidates.filter((c) => resultFor(results, c) !== undefined);
  if (unmatched.length === 0 && matched.length >= 2) return;
  const quoted = (list: readonly string[]) => list.map((k) => JSON.stringify(k));
  const what =
    `${unmatched.length > 0 ? `keys matching no candidate: ${quoted(unmatched).join(', ')}; ` : ''}` +
    `a key is a candidate as given or its folder name: ${names.map((n) => quoted(n).join(' or ')).join(', ')}`;
  if (matched.length < 2) {
    throw new TlError('INPUT', `${path}: Kendall τ needs an accuracy for at least 2 candidates, found ${matched.length}; ${what}`);
  }
  process.stderr.write(`tl: note: ${path}: ${what}\n`);
}

/** A fixed subsample (seeded shuffle, then the first n), so every candidate sees the same examples. */
function subsample(examples: readonly Example[], n: number, seed: number): Example[] {
  if (n === 0 || examples.length <= n) return [...examples];
  return new SeededRandom(seed).shuffle([...examples]).slice(0, n);
}

async function scoreCandidate(candidate: string, examples: readonly Example[], flags: ScoreFlags): Promise<CandidateScores> {
  const dir = await resolvePretrained(candidate);
  const hasHead = taskFromArchitectures((await readModelConfig(dir))['architectures']) === 'sequence-classification';
  const { model, tokenizer } = await fromPretrained(dir, { task: hasHead ? 'sequence-classification' : 'feature-extraction' });
  try {
    const bar = itemProgress(`features ${basename(candidate)}`, examples.length);
    const outputs = await frozenOutputs(model, tokenizer, examples.map((e) => (e.textPair === undefined ? { text: e.text } : { text: e.text, textPair: e.textPair })), {
      pooling: flags.pooling,
      batchSize: flags.batchSize,
      maxLength: flags.maxLength,
      withProbabilities: hasHead,
      onProgress: (done) => bar.update(done),
    });
    bar.stop();
    const labels = examples.map((e) => e.label);
    return {
      candidate,
      logme: logMe(outputs.features, labels),
      leep: outputs.probabilities ? leep(outputs.probabilities, labels) : null,
      hscore: hScore(outputs.features, labels),
      knn: knnAccuracy(outputs.features, labels, { k: flags.knnK }),
    };
  } finally {
    model.dispose();
  }
}

/** Kendall τ of each score's ranking against the fine-tuned accuracies (candidates with both). */
function rankCorrelations(rows: readonly CandidateScores[]): Partial<Record<ScoreName, number | null>> {
  const out: Partial<Record<ScoreName, number | null>> = {};
  for (const s of SCORES) {
    const pairs = rows.filter((r) => r.fineTuned !== undefined && r[s] !== null);
    const tau = pairs.length >= 2 ? kendallTau(pairs.map((r) => r[s] as number), pairs.map((r) => r.fineTuned!)) : NaN;
    out[s] = Number.isNaN(tau) ? null : tau;
  }
  return out;
}

function table(rows: readonly CandidateScores[], tau?: Partial<Record<ScoreName, number | null>>): string {
  const fmt = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));
  const header = ['candidate', 'LogME', 'LEEP', 'H-score', 'kNN acc', ...(tau ? ['fine-tuned acc'] : [])];
  const body = rows.map((r) => [r.candidate, fmt(r.logme), fmt(r.leep), fmt(r.hscore), fmt(r.knn), ...(tau ? [fmt(r.fineTuned)] : [])]);
  if (tau) body.push(['Kendall τ vs fine-tuned', fmt(tau.logme, 3), fmt(tau.leep, 3), fmt(tau.hscore, 3), fmt(tau.knn, 3), '']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

export function scoreCommand(): Command {
  return new Command('score')
    .description('rank candidate source models for a target task without fine-tuning: LogME, LEEP, H-score, kNN accuracy on frozen features')
    .requiredOption('--candidates <dirs>', 'comma-separated HF model folders, hub ids or checkpoints')
    .requiredOption('--data <file>', 'target task data with text and label (.jsonl, .csv, .tsv)')
    .option('--results <file>', 'JSON { "<candidate>": fine-tuned accuracy }: adds Kendall τ between each score and these')
    .option('--output <file>', 'also write the scores as JSON here')
    .option('--text-field <name>', 'field holding the text', 'text')
    .option('--text-pair-field <name>', 'field holding the second text of a pair')
    .option('--label-field <name>', 'field holding the label', 'label')
    .option('--max-examples <n>', 'score on a fixed random subsample of n examples (0: all)', nonNegativeInt, 1000)
    .addOption(new Option('--pooling <how>', 'feature of a text: mean of the last hidden states, first token, or BERT pooler').choices(['mean', 'cls', 'pooler']).default('mean'))
    .option('--knn-k <n>', 'neighbours for kNN accuracy (leave-one-out)', positiveInt, 5)
    .option('--max-length <n>', 'truncate inputs to n tokens', positiveInt, 128)
    .option('--batch-size <n>', 'inputs per forward pass', positiveInt, 32)
    .option('--seed <n>', 'seed of the subsample', nonNegativeInt, 42)
    .option('--backend <name>', 'wasm (default), cpu, webgpu, cuda, torch-cpu', 'wasm')
    .addHelpText('after', '\nLEEP needs a source classification head (a *ForSequenceClassification checkpoint); it is n/a otherwise.\nHigher is better for every score.')
    .action(async (flags: ScoreFlags) => {
      const candidates = flags.candidates.split(',').map((c) => c.trim()).filter(Boolean);
      if (candidates.length === 0) throw new TlError('CONFIG', '--candidates: no candidate given');
      const results = flags.results ? await readResults(flags.results) : undefined;
      if (results) checkResultKeys(results, candidates, flags.results!);
      const dataset = await loadDataset(flags.data, { textField: flags.textField, textPairField: flags.textPairField, labelField: flags.labelField });
      const examples = subsample(dataset.examples, flags.maxExamples, flags.seed);
      if (dataset.labelMap.numLabels < 2) throw new TlError('INPUT', `${flags.data}: the scores need at least 2 classes, found ${dataset.labelMap.numLabels}`);
      await engineFor(flags.backend);
      const rows: CandidateScores[] = [];
      for (const candidate of candidates) {
        const scores = await scoreCandidate(candidate, examples, flags);
        const fineTuned = results && resultFor(results, candidate);
        rows.push(fineTuned === undefined ? scores : { ...scores, fineTuned });
      }
      const tau = results ? rankCorrelations(rows) : undefined;
      process.stdout.write(table(rows, tau));
      if (flags.output) {
        const json = { data: flags.data, examples: examples.length, pooling: flags.pooling, candidates: rows, ...(tau && { kendallTau: tau }) };
        await writeFile(flags.output, JSON.stringify(json, null, 2) + '\n');
      }
    });
}
