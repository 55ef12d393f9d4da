import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import {
  Checkpointing,
  EarlyStopping,
  JsonlMetricsLogger,
  ProgressBar,
  parseJsonObject,
  SCHEDULER_NAMES,
  TlError,
  type Callback,
  type StepFields,
  type TrainingArgsInput,
} from '@tl/core';
import { nonNegativeInt, nonNegativeNumber, positiveInt, rate } from './options.js';
import { ResumeNote } from './resume-note.js';

/**
 * The Trainer's flags (HF Trainer names, kebab-case), shared by every command that trains:
 * `tl finetune`, `tl pretrain`, ... One definition, so they read and behave the same everywhere.
 */
export interface TrainerFlags {
  outputDir: string;
  epochs: number;
  maxSteps?: number;
  batchSize: number;
  evalBatchSize?: number;
  lr: number;
  weightDecay: number;
  noDecay?: string;
  warmupSteps?: number;
  warmupRatio?: number;
  scheduler: (typeof SCHEDULER_NAMES)[number];
  maxGradNorm: number;
  gradAccum: number;
  seed: number;
  shuffle: boolean;
  dropout?: number;
  evalStrategy?: 'no' | 'steps' | 'epoch';
  evalSteps?: number;
  saveSteps?: number;
  saveTotalLimit?: number;
  earlyStoppingPatience?: number;
  metricForBestModel?: string;
  loadBestModelAtEnd?: boolean;
  nanPolicy: 'error' | 'skip';
  groupByLength?: boolean;
  resume?: string | boolean;
  backend: string;
}

/** Per-command defaults of the flags whose usual value differs by task (pretraining wants another lr). */
export interface TrainerFlagDefaults {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly lr?: number;
}

/**
 * `--no-decay PATTERNS` is HF's name, but commander reads every `--no-*` flag as the negation of a
 * boolean (and would drop the value); clearing `negate` makes it an ordinary option named noDecay.
 */
function noDecayOption(): Option {
  const option = new Option('--no-decay <patterns>', "comma-separated parameter-name parts excluded from weight decay ('' decays all; default: bias, LayerNorm.weight)");
  option.negate = false;
  return option;
}

/** Adds the Trainer's flags (and `--backend`) to `command`. */
export function addTrainerOptions(command: Command, defaults: TrainerFlagDefaults = {}): Command {
  return command
    .option('--epochs <n>', 'passes over the training data', nonNegativeNumber, defaults.epochs ?? 3)
    .option('--max-steps <n>', 'total optimizer steps (overrides --epochs)', positiveInt)
    .option('--batch-size <n>', 'examples per micro-batch', positiveInt, defaults.batchSize ?? 8)
    .option('--eval-batch-size <n>', 'examples per evaluation batch (default: --batch-size)', positiveInt)
    .option('--lr <x>', 'peak learning rate', nonNegativeNumber, defaults.lr ?? 5e-5)
    .option('--weight-decay <x>', 'decoupled weight decay (AdamW)', nonNegativeNumber, 0)
    .addOption(noDecayOption())
    .addOption(new Option('--warmup-steps <n>', 'linear warmup steps (lr 0 on the first step)').argParser(nonNegativeInt).conflicts('warmupRatio'))
    .addOption(new Option('--warmup-ratio <x>', 'warmup as a fraction of the total steps').argParser(rate))
    .addOption(new Option('--scheduler <name>', 'learning-rate schedule').choices([...SCHEDULER_NAMES]).default('linear'))
    .option('--max-grad-norm <x>', 'clip gradients to this global norm (0: no clipping)', nonNegativeNumber, 1)
    .option('--grad-accum <n>', 'micro-batches per optimizer step', positiveInt, 1)
    .option('--seed <n>', 'seed for data order, dropout and new weights', nonNegativeInt, 42)
    .option('--no-shuffle', 'keep the training data in file order')
    .option('--group-by-length', 'batch examples of similar length together')
    .option('--dropout <x>', 'override every dropout rate of the model', rate)
    .addOption(new Option('--eval-strategy <when>', 'when to evaluate (default: epoch when --eval is given)').choices(['no', 'steps', 'epoch']))
    .option('--eval-steps <n>', 'evaluate every n steps with --eval-strategy steps', positiveInt)
    .option('--save-steps <n>', 'write a resumable checkpoint every n steps', positiveInt)
    .option('--save-total-limit <n>', 'keep only the last n checkpoints', positiveInt)
    .option('--early-stopping-patience <n>', 'stop after n evaluations without improvement', positiveInt)
    .option('--metric-for-best-model <name>', 'metric watched by early stopping and best-model tracking', 'eval_loss')
    .option('--load-best-model-at-end', 'save the weights of the best evaluation instead of the last')
    .addOption(new Option('--nan-policy <policy>', 'on a NaN/Inf loss or gradient').choices(['error', 'skip']).default('error'))
    .option('--resume [checkpoint]', 'continue from a checkpoint folder (default: the newest in --output-dir)')
    .option('--backend <name>', 'wasm (default), cpu, webgpu, cuda, torch-cpu', 'wasm');
}

/**
 * Flags that act on evaluations do nothing when there are none; HF's Trainer refuses them then, and
 * so does tl rather than train without the early stop or the best weights the user asked for.
 */
function refuseEvalFlagsWithoutEvaluation(f: TrainerFlags, hasEval: boolean, evalStrategy: 'no' | 'steps' | 'epoch'): void {
  const given: [string, boolean][] = [
    ['--early-stopping-patience', f.earlyStoppingPatience !== undefined],
    ['--load-best-model-at-end', f.loadBestModelAtEnd === true],
    [`--eval-strategy ${evalStrategy}`, evalStrategy !== 'no'],
  ];
  for (const [flag, isGiven] of given) {
    if (!isGiven) continue;
    if (!hasEval) throw new TlError('CONFIG', `${flag} needs an evaluation set: give --eval FILE`);
    if (evalStrategy === 'no') throw new TlError('CONFIG', `${flag} needs evaluations, and --eval-strategy no turns them off`);
  }
}

/**
 * For commands that take the Trainer's flags (addTrainerOptions adds all of them) but cannot honour
 * some: those are hidden from the help and refused when given, with `why[attributeName]` as the reason,
 * before the command does any work.
 */
export function refuseTrainerFlags(command: Command, why: Readonly<Record<string, string>>): Command {
  const refused = command.options.filter((o) => why[o.attributeName()] !== undefined);
  for (const option of refused) option.hideHelp();
  return command.hook('preAction', () => {
    for (const option of refused) {
      if (command.getOptionValueSource(option.attributeName()) === 'cli') {
        throw new TlError('CONFIG', `${option.long}: ${why[option.attributeName()]}`);
      }
    }
  });
}

/** Maps the flags onto the Trainer's arguments; refuses evaluation flags that could not act. */
export function trainingArgsFromFlags(f: TrainerFlags, hasEval: boolean): TrainingArgsInput {
  const evalStrategy = f.evalStrategy ?? (hasEval ? 'epoch' : 'no');
  refuseEvalFlagsWithoutEvaluation(f, hasEval, evalStrategy);
  return {
    outputDir: f.outputDir,
    numTrainEpochs: f.epochs,
    maxSteps: f.maxSteps ?? -1,
    batchSize: f.batchSize,
    evalBatchSize: f.evalBatchSize ?? f.batchSize,
    learningRate: f.lr,
    weightDecay: f.weightDecay,
    // `--no-decay ''` decays every parameter; absent keeps HF's default (biases, LayerNorm weights).
    noDecay: f.noDecay === undefined ? undefined : f.noDecay.split(',').map((s) => s.trim()).filter(Boolean),
    warmupSteps: f.warmupSteps ?? 0,
    warmupRatio: f.warmupRatio ?? 0,
    lrSchedulerType: f.scheduler,
    maxGradNorm: f.maxGradNorm,
    gradientAccumulationSteps: f.gradAccum,
    seed: f.seed,
    shuffle: f.shuffle,
    groupByLength: f.groupByLength ?? false,
    evalStrategy,
    evalSteps: f.evalSteps,
    nanPolicy: f.nanPolicy,
    metricForBestModel: f.metricForBestModel ?? 'eval_loss',
    loadBestModelAtEnd: f.loadBestModelAtEnd ?? false,
  };
}

/** The callbacks the flags ask for: progress bar, metrics.jsonl, early stopping, checkpoints. */
export function trainerCallbacks(f: TrainerFlags, metricsFields: readonly StepFields[] = []): Callback[] {
  const callbacks: Callback[] = [new ProgressBar(), new JsonlMetricsLogger(join(f.outputDir, 'metrics.jsonl'), { fields: metricsFields }), new ResumeNote()];
  if (f.earlyStoppingPatience) {
    callbacks.push(new EarlyStopping({ monitor: f.metricForBestModel ?? 'eval_loss', patience: f.earlyStoppingPatience }));
  }
  if (f.saveSteps) callbacks.push(new Checkpointing({ everyNSteps: f.saveSteps, keepLast: f.saveTotalLimit }));
  return callbacks;
}

/** `--resume` as `fit` takes it. */
export function resumeFrom(f: TrainerFlags): string | true | undefined {
  return f.resume === false || f.resume === undefined ? undefined : f.resume;
}
