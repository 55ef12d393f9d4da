import { resolve } from 'node:path';
import { Command } from 'commander';
import {
  ProgressBar,
  runTransferExperiment,
  TlError,
  TRANSFER_CONDITIONS,
  type TransferCondition,
} from '@tl/core';
import { engineFor } from '../runtime/backend.js';
import { addFieldOptions, fieldsFromFlags, type FieldFlags } from '../runtime/data-flags.js';
import { nonNegativeInt, nonNegativeNumber, positiveInt } from '../runtime/options.js';
import { addStrategyOption, strategiesFromSpecs } from '../runtime/strategies.js';
import { addTrainerOptions, refuseTrainerFlags, trainingArgsFromFlags, type TrainerFlags } from '../runtime/trainer-flags.js';
import { absoluteIfPath, prepareTransfer, type TransferSpec } from '../transfer/transfer-spec.js';
import { writeTransferResults } from '../transfer/write-results.js';

export interface TransferFlags extends TrainerFlags, FieldFlags {
  model: string;
  sourceTrain?: string;
  sourceEval?: string;
  targetTrain: string;
  targetTest: string;
  conditions: string;
  budgets: string;
  seeds: number;
  strategy: string[];
  plugin: string[];
  sourceEpochs?: number;
  sourceMaxSteps?: number;
  maxTargetTrain: number;
  maxTargetTest: number;
  maxLength?: number;
  minSteps: number;
  queue?: string;
}

/** `--budgets 0.01,0.1,1` → sorted fractions; each must be in (0, 1]. */
function parseBudgets(value: string): number[] {
  const budgets = value.split(',').map((s) => Number(s.trim()));
  for (const b of budgets) if (!(b > 0 && b <= 1)) throw new TlError('CONFIG', `--budgets: ${value} must list fractions in (0, 1]`);
  return [...new Set(budgets)].sort((a, b) => a - b);
}

function parseConditions(value: string): TransferCondition[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(TRANSFER_CONDITIONS as readonly string[]).includes(n)) throw new TlError('CONFIG', `--conditions: unknown '${n}' (known: ${TRANSFER_CONDITIONS.join(', ')})`);
  }
  return names as TransferCondition[];
}

/** The experiment the flags describe, as the JSON a queue job carries (files made absolute). */
export function transferSpecFromFlags(flags: TransferFlags): TransferSpec {
  const args = trainingArgsFromFlags(flags, false);
  return {
    model: absoluteIfPath(flags.model),
    ...(flags.sourceTrain && { sourceTrain: resolve(flags.sourceTrain) }),
    ...(flags.sourceEval && { sourceEval: resolve(flags.sourceEval) }),
    targetTrain: resolve(flags.targetTrain),
    targetTest: resolve(flags.targetTest),
    fields: fieldsFromFlags(flags),
    maxTargetTrain: flags.maxTargetTrain,
    maxTargetTest: flags.maxTargetTest,
    ...(flags.conditions && { conditions: parseConditions(flags.conditions) }),
    budgets: parseBudgets(flags.budgets),
    seeds: Array.from({ length: flags.seeds }, (_, i) => i + 1),
    strategies: flags.strategy,
    plugins: flags.plugin.map(absoluteIfPath),
    targetArgs: args,
    sourceArgs: {
      ...args,
      ...(flags.sourceEpochs !== undefined && { numTrainEpochs: flags.sourceEpochs }),
      ...(flags.sourceMaxSteps !== undefined && { maxSteps: flags.sourceMaxSteps }),
      evalStrategy: 'no' as const,
    },
    ...(flags.maxLength !== undefined && { maxLength: flags.maxLength }),
    evalBatchSize: args.evalBatchSize!, // --eval-batch-size, else --batch-size, as its help says
    minSteps: flags.minSteps,
    outputDir: resolve(flags.outputDir),
  };
}

/**
 * Trainer flags a grid of short runs has no use for: refused (with the reason) instead of taken and
 * ignored. Each run is scored once on --target-test after training, and the seeds are 1..--seeds.
 */
const UNUSED_TRAINER_FLAGS: Readonly<Record<string, string>> = {
  saveSteps: 'tl transfer writes no checkpoints of its runs',
  saveTotalLimit: 'tl transfer writes no checkpoints of its runs',
  resume: 'tl transfer cannot resume a run',
  seed: 'tl transfer runs every condition and budget with seeds 1..N: set N with --seeds',
  earlyStoppingPatience: 'tl transfer evaluates each run once, on --target-test, after training',
  loadBestModelAtEnd: 'tl transfer evaluates each run once, on --target-test, after training',
  metricForBestModel: 'tl transfer evaluates each run once, on --target-test, after training',
  evalStrategy: 'tl transfer evaluates each run once, on --target-test, after training',
  evalSteps: 'tl transfer evaluates each run once, on --target-test, after training',
};

/** The flags of one transfer experiment (data, grid, strategies, trainer), shared by `tl transfer` and `tl sweep`. */
export function addTransferOptions(command: Command): Command {
  command
    .requiredOption('--model <dir|id>', 'the pretrained model (HF folder or hub id); scratch uses its config with random weights')
    .option('--source-train <file>', 'source task data (.jsonl, .csv, .tsv): enables the intermediate condition')
    .option('--source-eval <file>', 'source task evaluation data')
    .requiredOption('--target-train <file>', 'target task training data; budgets are fractions of it')
    .requiredOption('--target-test <file>', 'target task data accuracy is measured on')
    .requiredOption('--output-dir <dir>', 'results.json, transfer.jsonl, run logs and the source-tuned model go here');
  addFieldOptions(command)
    .option('--conditions <list>', 'which of scratch,pretrained,intermediate (default: all the data allows)')
    .option('--budgets <fractions>', 'label budgets as fractions of the target training set', '0.01,0.1,1')
    .option('--seeds <n>', 'seeds per (condition, budget): 1..n', positiveInt, 3);
  addStrategyOption(command, 'transfer strategy for the transferred conditions (repeatable; e.g. llrd:decay=0.8)')
    .option('--source-epochs <n>', 'epochs of source fine-tuning (default: --epochs)', nonNegativeNumber)
    .option('--source-max-steps <n>', 'optimizer steps of source fine-tuning', positiveInt)
    .option('--max-target-train <n>', 'cap the target training set to a fixed random n (0: all)', nonNegativeInt, 0)
    .option('--max-target-test <n>', 'cap the target test set to a fixed random n (0: all)', nonNegativeInt, 0)
    .option('--max-length <n>', 'truncate inputs to n tokens', positiveInt)
    .option('--min-steps <n>', 'at least n optimizer steps per target run (small budgets otherwise get a handful)', nonNegativeInt, 0)
    .option('--queue <redis-url>', 'run the grid as jobs on this Redis (redis://HOST:PORT) for `tl worker`s on any machine, and wait for them');
  return refuseTrainerFlags(addTrainerOptions(command), UNUSED_TRAINER_FLAGS);
}

export function transferCommand(): Command {
  return addTransferOptions(
    new Command('transfer').description('source task → target task against baselines (scratch, pretrained, pretrained + source) at label budgets and seeds'),
  )
    .addHelpText('after', '\nWrites <output-dir>/results.json (runs, mean ± std per condition and budget, gain in points, relative\nerror reduction, data efficiency) and <output-dir>/transfer.jsonl (one line per finished run).')
    .action(async (flags: TransferFlags) => {
      const spec = transferSpecFromFlags(flags);
      if (flags.queue) {
        const { transferOnQueue } = await import('../queue/submit-grid.js'); // Redis only when asked for
        await transferOnQueue(flags.queue, spec);
        return;
      }
      // runTransferExperiment builds them by name per run; building them once here checks the specs
      // (names, options, files they read) before any model or data is loaded.
      await strategiesFromSpecs(flags.strategy, flags.plugin);
      await engineFor(flags.backend);
      const options = await prepareTransfer(spec);
      const results = await runTransferExperiment({
        ...options,
        callbacks: () => [new ProgressBar()],
        onEvent: (e) => {
          if (e.kind === 'source-start') process.stderr.write(`tl: fine-tuning the source task (${e.examples} examples)\n`);
          if (e.kind === 'source-end') process.stderr.write(`tl: source model in ${e.dir} (${e.seconds.toFixed(0)} s)\n`);
          if (e.kind === 'run-end') {
            const r = e.run;
            process.stderr.write(`tl: [${e.done}/${e.total}] ${r.condition} budget ${r.budget} (${r.trainSize} examples) seed ${r.seed}: accuracy ${(100 * r.accuracy).toFixed(1)}% (${r.seconds.toFixed(1)} s)\n`);
          }
        },
      });
      await writeTransferResults(flags.outputDir, results);
    });
}
