import { mkdir, appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Callback } from '../../training/callback.js';
import type { Example } from '../../training/trainer.js';
import { Trainer } from '../../training/trainer.js';
import type { TrainingArgsInput } from '../../training/args.js';
import { evaluateModel } from '../../training/loop/evaluate-model.js';
import { buildModel } from '../../models/build-model.js';
import { loadModel, readModelConfig } from '../../models/load-model.js';
import { JsonlMetricsLogger } from '../../training/callbacks/jsonl-metrics-logger.js';
import { savePretrained } from '../../pretrained/save-pretrained.js';
import { TextTokenizer } from '../../tokenization/text-tokenizer.js';
import { tokenizerCollator } from '../../data/collate/tokenizer-collator.js';
import { SeededRandom } from '../../data/random/seeded-random.js';
import { TlError } from '../../errors/tl-error.js';
import { createStrategies } from '../create-strategies.js';
import { dataEfficiency, gainPoints, meanStd, relativeErrorReduction, type DataEfficiency } from './transfer-metrics.js';

/**
 * How the target model starts:
 * - `scratch`: the pretrained model's config, every weight freshly initialised (no transfer at all);
 * - `pretrained`: the pretrained encoder, a new classification head, fine-tuned on the target;
 * - `intermediate`: the pretrained encoder fine-tuned on the source task first, then a new head on the target.
 */
export type TransferCondition = 'scratch' | 'pretrained' | 'intermediate';
export const TRANSFER_CONDITIONS: readonly TransferCondition[] = ['scratch', 'pretrained', 'intermediate'];

/** A classification task: examples with class-index labels and the names of those classes. */
export interface TransferTask {
  readonly train: readonly Example[];
  /** Where accuracy is measured (a held-out split). */
  readonly test?: readonly Example[];
  readonly id2label: Readonly<Record<string, string>>;
}

/** Picks `count` examples of `examples` for a seed (a label-budget sample). */
export type BudgetSampler = (examples: readonly Example[], count: number, seed: number) => Example[];

export interface TransferExperimentOptions {
  /** HF folder of the pretrained model (any head; its encoder and tokenizer are used). */
  readonly pretrained: string;
  readonly target: TransferTask & { readonly test: readonly Example[] };
  /** Needed by the `intermediate` condition. */
  readonly source?: TransferTask;
  readonly conditions?: readonly TransferCondition[];
  /** Label budgets as fractions of the target training set, each in (0, 1]. */
  readonly budgets: readonly number[];
  readonly seeds: readonly number[];
  /** Strategy specs (`tl finetune --strategy` syntax) for target fine-tuning of the transferred conditions. */
  readonly strategies?: readonly string[];
  /** Trainer arguments for the target runs; `seed` and `outputDir` are set per run. */
  readonly targetArgs?: TrainingArgsInput;
  /** Trainer arguments for the source fine-tuning (default: `targetArgs`). */
  readonly sourceArgs?: TrainingArgsInput;
  readonly maxLength?: number;
  readonly evalBatchSize?: number;
  /**
   * At least this many optimizer steps per target run (default 0): at a 1% budget a few epochs are a
   * handful of steps, which would measure under-training rather than what transfer bought.
   */
  readonly minSteps?: number;
  /** Default: a seeded shuffle; pass a stratified sampler to keep class proportions. */
  readonly sample?: BudgetSampler;
  /** Run folders, `transfer.jsonl`, the source-tuned checkpoint and `results.json` go here. */
  readonly outputDir: string;
  /** Extra callbacks per training run (progress bars). */
  readonly callbacks?: (run: { readonly name: string }) => Callback[];
  /** Called as each phase starts and each run ends. */
  readonly onEvent?: (event: TransferEvent) => void;
}

export type TransferEvent =
  | { readonly kind: 'source-start'; readonly examples: number }
  | { readonly kind: 'source-end'; readonly seconds: number; readonly dir: string }
  | { readonly kind: 'run-end'; readonly run: TransferRun; readonly done: number; readonly total: number };

export interface TransferRun {
  readonly condition: TransferCondition;
  readonly budget: number;
  readonly seed: number;
  readonly trainSize: number;
  readonly accuracy: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly seconds: number;
}

export interface TransferSummaryRow {
  readonly condition: TransferCondition;
  readonly budget: number;
  readonly trainSize: number;
  readonly accuracy: { readonly mean: number; readonly std: number; readonly n: number };
  /** Against scratch at the same budget (absent for scratch itself or without a scratch baseline). */
  readonly gainPoints?: number;
  readonly relativeErrorReduction?: number | null;
}

export interface TransferResults {
  readonly pretrained: string;
  readonly conditions: readonly TransferCondition[];
  readonly budgets: readonly number[];
  readonly seeds: readonly number[];
  readonly strategies: readonly string[];
  readonly targetTrainSize: number;
  readonly targetTestSize: number;
  /** The source-tuned checkpoint (the intermediate condition's starting point). */
  readonly sourceModel?: string;
  readonly runs: readonly TransferRun[];
  /** Runs of the grid that failed for good (a queue job that used up its attempts); absent when none. */
  readonly missing?: readonly MissingTransferRun[];
  readonly summary: readonly TransferSummaryRow[];
  /** Per transferred condition, against scratch at the largest budget (needs the scratch baseline). */
  readonly dataEfficiency: Partial<Record<TransferCondition, DataEfficiency>>;
}

const defaultSample: BudgetSampler = (examples, count, seed) => new SeededRandom(seed).shuffle([...examples]).slice(0, count);

/** Examples kept for a budget: at least one, at most all. */
export function budgetCount(budget: number, size: number): number {
  return Math.min(size, Math.max(1, Math.round(budget * size)));
}

/** One run of the grid: a condition at a label budget with a seed. */
export interface TransferCell {
  readonly condition: TransferCondition;
  readonly budget: number;
  readonly seed: number;
}

/** A run of the grid that produced no result, and why (a job that failed for good). */
export interface MissingTransferRun extends TransferCell {
  readonly error: string;
}

/** The grid an experiment's options describe, checked: what runs, in which order. */
export interface TransferPlan {
  readonly conditions: readonly TransferCondition[];
  /** Sorted ascending. */
  readonly budgets: readonly number[];
  readonly seeds: readonly number[];
  /** Every run, in the order the single-process experiment runs them (budget, seed, condition). */
  readonly cells: readonly TransferCell[];
  /** The source fine-tuning runs once, with the first seed, when any cell is `intermediate`. */
  readonly needsSource: boolean;
}

/** A run's folder name under `<outputDir>/runs/`, and its id in logs. */
export function transferRunName(cell: TransferCell): string {
  return `${cell.condition}-b${cell.budget}-s${cell.seed}`;
}

/** Where the source-tuned checkpoint (the intermediate runs' starting point) is written. */
export function sourceModelDir(outputDir: string): string {
  return join(outputDir, 'source-model');
}

/** Checks the options and lays out the grid; throws a TlError for a bad budget, seed list, condition or strategy spec. */
export function planTransfer(options: TransferExperimentOptions): TransferPlan {
  const conditions = options.conditions ?? (options.source ? TRANSFER_CONDITIONS : TRANSFER_CONDITIONS.filter((c) => c !== 'intermediate'));
  for (const b of options.budgets) {
    if (!(b > 0 && b <= 1)) throw new TlError('CONFIG', `label budget ${b} is not a fraction in (0, 1]`);
  }
  if (options.seeds.length === 0) throw new TlError('CONFIG', 'transfer needs at least one seed');
  if (conditions.includes('intermediate') && !options.source) throw new TlError('CONFIG', "the 'intermediate' condition needs a source task");
  if (options.target.train.length === 0 || options.target.test.length === 0) throw new TlError('INPUT', 'the target task needs training and test examples');
  createStrategies(options.strategies ?? []); // refuse bad specs before any training
  const budgets = [...options.budgets].sort((a, b) => a - b);
  const cells: TransferCell[] = [];
  for (const budget of budgets) for (const seed of options.seeds) for (const condition of conditions) cells.push({ condition, budget, seed });
  return { conditions, budgets, seeds: options.seeds, cells, needsSource: conditions.includes('intermediate') };
}

/**
 * The units of work of one experiment, apart from the order they run in: the single-process
 * experiment calls them one after another, a queue worker calls one per job. Either way a run is the
 * same code, so the same seeds give the same accuracies.
 */
export interface TransferRunner {
  readonly plan: TransferPlan;
  /** Fine-tunes the source task (seed: the first seed) and saves the checkpoint at `sourceModelDir`; returns that folder. */
  fineTuneSource(): Promise<string>;
  /**
   * One run: a model started as the cell's condition says (an intermediate run reads the saved source
   * checkpoint), fine-tuned on the budget sample of the seed, scored on the target test set. Its steps
   * go to `<outputDir>/runs/<name>/metrics.jsonl`.
   */
  runCell(cell: TransferCell): Promise<TransferRun>;
}

/** Loads what every run shares (tokenizer, collator, the pretrained config) once. */
export async function transferRunner(options: TransferExperimentOptions): Promise<TransferRunner> {
  const plan = planTransfer(options);
  const sample = options.sample ?? defaultSample;
  const evalBatchSize = options.evalBatchSize ?? 64;
  const tokenizer = await TextTokenizer.fromFolder(options.pretrained);
  const collator = tokenizerCollator(tokenizer, { maxLength: options.maxLength });
  const pretrainedConfig = await readModelConfig(options.pretrained);
  const sourceModel = sourceModelDir(options.outputDir);

  const fineTuneSource = async (): Promise<string> => {
    if (!options.source) throw new TlError('CONFIG', "the 'intermediate' condition needs a source task");
    const source = options.source;
    const seed = plan.seeds[0]!;
    const { model } = await loadModel(options.pretrained, { task: 'sequence-classification', id2label: source.id2label, seed, ignoreMismatchedSizes: true });
    const outputDir = join(options.outputDir, 'runs', 'source');
    const trainer = new Trainer({
      model,
      collator,
      args: { ...(options.sourceArgs ?? options.targetArgs), seed, outputDir },
      callbacks: [new JsonlMetricsLogger(join(outputDir, 'metrics.jsonl')), ...(options.callbacks?.({ name: 'source' }) ?? [])],
    });
    try {
      await trainer.fit(source.train, source.test);
      await savePretrained(sourceModel, model, { tokenizerFrom: options.pretrained });
    } finally {
      trainer.dispose();
      model.dispose();
    }
    return sourceModel;
  };

  const spec = (seed: number) => ({ task: 'sequence-classification' as const, id2label: options.target.id2label, seed, ignoreMismatchedSizes: true });
  const startModel = async (condition: TransferCondition, seed: number) => {
    if (condition === 'scratch') return buildModel(pretrainedConfig, spec(seed));
    return (await loadModel(condition === 'pretrained' ? options.pretrained : sourceModel, spec(seed))).model;
  };

  const stepsFor = (size: number) => {
    const a = options.targetArgs ?? {};
    if (!options.minSteps || (a.maxSteps ?? -1) > 0) return {};
    const perEpoch = Math.ceil(size / ((a.batchSize ?? 8) * (a.gradientAccumulationSteps ?? 1)));
    const planned = Math.ceil(perEpoch * (a.numTrainEpochs ?? 3));
    return planned < options.minSteps ? { maxSteps: options.minSteps } : {};
  };

  const runCell = async ({ condition, budget, seed }: TransferCell): Promise<TransferRun> => {
    const train = sample(options.target.train, budgetCount(budget, options.target.train.length), seed);
    const name = transferRunName({ condition, budget, seed });
    const started = performance.now();
    const model = await startModel(condition, seed);
    const outputDir = join(options.outputDir, 'runs', name);
    const trainer = new Trainer({
      model,
      collator,
      strategies: condition === 'scratch' ? [] : createStrategies(options.strategies ?? []),
      args: { ...options.targetArgs, ...stepsFor(train.length), seed, outputDir },
      // Every run's steps in its own metrics.jsonl: the learning curves behind the summary.
      callbacks: [new JsonlMetricsLogger(join(outputDir, 'metrics.jsonl')), ...(options.callbacks?.({ name }) ?? [])],
    });
    let metrics: Record<string, number>;
    try {
      await trainer.fit(train);
      metrics = await evaluateModel(model, collator, options.target.test, { batchSize: evalBatchSize });
    } finally {
      trainer.dispose();
      model.dispose();
    }
    return { condition, budget, seed, trainSize: train.length, accuracy: metrics['eval_accuracy'] ?? Number.NaN, metrics, seconds: (performance.now() - started) / 1000 };
  };

  return { plan, fineTuneSource, runCell };
}

/** `<outputDir>/transfer.jsonl`: one line per finished run, in the order they finished. */
export function transferLogPath(outputDir: string): string {
  return join(outputDir, 'transfer.jsonl');
}

/** Starts an empty `transfer.jsonl` (a new experiment, or a re-submitted one collecting its runs again). */
export async function startTransferLog(outputDir: string): Promise<void> {
  await mkdir(outputDir, { recursive: true });
  await writeFile(transferLogPath(outputDir), '');
}

export async function appendTransferLog(outputDir: string, run: TransferRun): Promise<void> {
  await appendFile(transferLogPath(outputDir), `${JSON.stringify(run)}\n`);
}

/**
 * The experiment's results from the runs that finished, in whatever order they finished: runs are
 * put in the grid's order, so the single-process experiment and a queue of workers give the same
 * `results.json`. Cells without a run (jobs that failed for good) are listed in `missing` and left
 * out of the summary.
 */
export function transferResults(
  options: TransferExperimentOptions,
  plan: TransferPlan,
  finished: readonly TransferRun[],
  missing: readonly MissingTransferRun[] = [],
): TransferResults {
  const key = (c: TransferCell) => transferRunName(c);
  const byCell = new Map(finished.map((r) => [key(r), r]));
  const runs = plan.cells.flatMap((c) => byCell.get(key(c)) ?? []);
  return {
    pretrained: options.pretrained,
    conditions: plan.conditions,
    budgets: plan.budgets,
    seeds: plan.seeds,
    strategies: options.strategies ?? [],
    targetTrainSize: options.target.train.length,
    targetTestSize: options.target.test.length,
    ...(plan.needsSource && { sourceModel: sourceModelDir(options.outputDir) }),
    runs,
    ...(missing.length > 0 && { missing }),
    ...summarise(runs, plan.conditions, plan.budgets),
  };
}

/**
 * Source → target transfer against its baselines: for every condition, label budget and seed, a model
 * is started as the condition says, fine-tuned on a budget sample of the target training set and
 * scored on the target test set. The source fine-tuning runs once (its seed is the first seed): it is
 * the checkpoint being transferred, the seeds vary what the target side controls. Scratch runs plain
 * fine-tuning: strategies that freeze or re-use pretrained layers mean nothing on random weights.
 * This runs the grid in this process; `tl transfer --queue` runs the same runner's pieces as jobs.
 */
export async function runTransferExperiment(options: TransferExperimentOptions): Promise<TransferResults> {
  const runner = await transferRunner(options);
  const { plan } = runner;
  await startTransferLog(options.outputDir);
  if (plan.needsSource) {
    options.onEvent?.({ kind: 'source-start', examples: options.source!.train.length });
    const started = performance.now();
    const dir = await runner.fineTuneSource();
    options.onEvent?.({ kind: 'source-end', seconds: (performance.now() - started) / 1000, dir });
  }
  const runs: TransferRun[] = [];
  for (const cell of plan.cells) {
    const run = await runner.runCell(cell);
    runs.push(run);
    await appendTransferLog(options.outputDir, run);
    options.onEvent?.({ kind: 'run-end', run, done: runs.length, total: plan.cells.length });
  }
  return transferResults(options, plan, runs);
}

/** Mean ± std per (condition, budget), the scores against scratch, and data efficiency. */
export function summarise(
  runs: readonly TransferRun[],
  conditions: readonly TransferCondition[],
  budgets: readonly number[],
): Pick<TransferResults, 'summary' | 'dataEfficiency'> {
  const cell = (condition: TransferCondition, budget: number) => runs.filter((r) => r.condition === condition && r.budget === budget);
  const summary: TransferSummaryRow[] = [];
  for (const condition of conditions) {
    for (const budget of budgets) {
      const rs = cell(condition, budget);
      if (rs.length === 0) continue;
      const acc = meanStd(rs.map((r) => r.accuracy));
      const scratch = condition === 'scratch' ? [] : cell('scratch', budget);
      const base = scratch.length > 0 ? meanStd(scratch.map((r) => r.accuracy)).mean : undefined;
      summary.push({
        condition,
        budget,
        trainSize: rs[0]!.trainSize,
        accuracy: { ...acc, n: rs.length },
        ...(base !== undefined && { gainPoints: gainPoints(acc.mean, base), relativeErrorReduction: relativeErrorReduction(acc.mean, base) }),
      });
    }
  }
  const curve = (c: TransferCondition) => summary.filter((s) => s.condition === c).map((s) => ({ budget: s.budget, accuracy: s.accuracy.mean }));
  const efficiency: Partial<Record<TransferCondition, DataEfficiency>> = {};
  if (conditions.includes('scratch')) {
    for (const c of conditions) if (c !== 'scratch' && curve(c).length > 0) efficiency[c] = dataEfficiency(curve(c), curve('scratch'));
  }
  return { summary, dataEfficiency: efficiency };
}
