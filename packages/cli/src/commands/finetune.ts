import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import {
  Checkpointing,
  EarlyStopping,
  fromPretrained,
  JsonlMetricsLogger,
  ProgressBar,
  parseJsonObject,
  readModelConfig,
  resolvePretrained,
  savePretrained,
  SCHEDULER_NAMES,
  tokenizerCollator,
  Trainer,
  type Callback,
  type TrainingArgsInput,
} from '@tl/core';
import { engineFor } from '../runtime/backend.js';
import { id2labelForConfig, loadTrainingData } from '../runtime/labels.js';
import { nonNegativeNumber, positiveInt, nonNegativeInt, rate } from '../runtime/options.js';

interface FinetuneFlags {
  model: string;
  train: string;
  eval?: string;
  outputDir: string;
  textField: string;
  textPairField?: string;
  labelField: string;
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
  maxLength?: number;
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

/** Maps CLI flags (HF Trainer names, kebab-case) onto the Trainer's arguments. */
function trainingArgs(f: FinetuneFlags, hasEval: boolean): TrainingArgsInput {
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
    evalStrategy: f.evalStrategy ?? (hasEval ? 'epoch' : 'no'),
    evalSteps: f.evalSteps,
    nanPolicy: f.nanPolicy,
    metricForBestModel: f.metricForBestModel ?? 'eval_loss',
    loadBestModelAtEnd: f.loadBestModelAtEnd ?? false,
  };
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

/** Checkpoints written during training carry the tokenizer, so each one is a complete HF folder. */
async function readTokenizerFiles(dir: string): Promise<{ tokenizerJson: unknown; tokenizerConfig?: unknown }> {
  const read = async (name: string) => parseJsonObject(await readFile(join(dir, name), 'utf8'), join(dir, name), 'TOKENIZER');
  const tokenizerConfig = await read('tokenizer_config.json').catch(() => undefined);
  return { tokenizerJson: await read('tokenizer.json'), tokenizerConfig };
}

export function finetuneCommand(): Command {
  return new Command('finetune')
    .description('fine-tune a pretrained encoder for sequence classification on JSONL, CSV or TSV data')
    .requiredOption('--model <dir|id>', 'HF model folder or hub id to start from')
    .requiredOption('--train <file>', 'training data (.jsonl, .csv, .tsv)')
    .option('--eval <file>', 'evaluation data, same fields')
    .requiredOption('--output-dir <dir>', 'where metrics.jsonl, checkpoints and the fine-tuned model go')
    .option('--text-field <name>', 'field holding the text', 'text')
    .option('--text-pair-field <name>', 'field holding the second text of a pair')
    .option('--label-field <name>', 'field holding the label (class index or name)', 'label')
    .option('--epochs <n>', 'passes over the training data', nonNegativeNumber, 3)
    .option('--max-steps <n>', 'total optimizer steps (overrides --epochs)', positiveInt)
    .option('--batch-size <n>', 'examples per micro-batch', positiveInt, 8)
    .option('--eval-batch-size <n>', 'examples per evaluation batch (default: --batch-size)', positiveInt)
    .option('--lr <x>', 'peak learning rate', nonNegativeNumber, 5e-5)
    .option('--weight-decay <x>', 'decoupled weight decay (AdamW)', nonNegativeNumber, 0)
    .addOption(noDecayOption())
    .addOption(new Option('--warmup-steps <n>', 'linear warmup steps (lr 0 on the first step)').argParser(nonNegativeInt).conflicts('warmupRatio'))
    .addOption(new Option('--warmup-ratio <x>', 'warmup as a fraction of the total steps').argParser(rate))
    .addOption(new Option('--scheduler <name>', 'learning-rate schedule').choices([...SCHEDULER_NAMES]).default('linear'))
    .option('--max-grad-norm <x>', 'clip gradients to this global norm (0: no clipping)', nonNegativeNumber, 1)
    .option('--grad-accum <n>', 'micro-batches per optimizer step', positiveInt, 1)
    .option('--max-length <n>', 'truncate inputs to n tokens (longest_first for pairs)', positiveInt)
    .option('--seed <n>', 'seed for data order, dropout and new heads', nonNegativeInt, 42)
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
    .option('--backend <name>', 'wasm (default), cpu, webgpu, cuda, torch-cpu', 'wasm')
    .addHelpText('after', '\nWrites <output-dir>/metrics.jsonl (one line per optimizer step: step, loss, lr; eval lines) and\nthe fine-tuned model as an HF folder in <output-dir>.')
    .action(async (flags: FinetuneFlags) => {
      await engineFor(flags.backend);
      const dir = await resolvePretrained(flags.model);
      const checkpointConfig = await readModelConfig(dir);
      const fields = { textField: flags.textField, textPairField: flags.textPairField, labelField: flags.labelField };
      const { train, evaluation, labelMap } = await loadTrainingData(flags.train, flags.eval, fields, checkpointConfig);

      const { model, tokenizer, report } = await fromPretrained(dir, {
        task: 'sequence-classification',
        id2label: id2labelForConfig(labelMap),
        dropout: flags.dropout,
        seed: flags.seed,
        ignoreMismatchedSizes: true,
      });
      for (const m of report.mismatched) {
        process.stderr.write(`tl: note: ${m.name} re-initialised: the checkpoint has [${m.checkpoint.join(', ')}], ${labelMap.numLabels} labels need [${m.model.join(', ')}]\n`);
      }
      const callbacks: Callback[] = [new ProgressBar(), new JsonlMetricsLogger(join(flags.outputDir, 'metrics.jsonl'))];
      if (flags.earlyStoppingPatience) {
        callbacks.push(new EarlyStopping({ monitor: flags.metricForBestModel, patience: flags.earlyStoppingPatience }));
      }
      if (flags.saveSteps) callbacks.push(new Checkpointing({ everyNSteps: flags.saveSteps, keepLast: flags.saveTotalLimit }));
      const trainer = new Trainer({
        model,
        collator: tokenizerCollator(tokenizer, { maxLength: flags.maxLength }),
        args: trainingArgs(flags, evaluation !== undefined),
        callbacks,
        tokenizerFiles: await readTokenizerFiles(dir),
      });
      const result = await trainer.fit(train.examples, evaluation?.examples, {
        resumeFrom: flags.resume === false ? undefined : flags.resume,
      });
      await savePretrained(flags.outputDir, model, { tokenizerFrom: dir });
      process.stderr.write(
        `tl: trained ${result.steps} steps, final loss ${result.finalLoss.toFixed(4)}${result.stopReason ? ` (${result.stopReason})` : ''}; model saved in ${flags.outputDir}\n`,
      );
      trainer.dispose();
      model.dispose();
    });
}
