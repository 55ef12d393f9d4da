import { z } from 'zod';
import { TlError } from '../errors/tl-error.js';
import { SCHEDULER_NAMES } from './schedule/lr-lambdas.js';

const int = z.number().int();
const nonNegative = z.number().min(0);

/**
 * The Trainer's settings, named after HF `TrainingArguments` (camelCased) wherever HF has the setting,
 * with HF's defaults. Parsed with zod, so a bad value fails at construction with the key named.
 */
export const trainingArgsSchema = z
  .object({
    /** Where checkpoints (and, by convention, metrics.jsonl) go. */
    outputDir: z.string().min(1).default('tl-output'),
    numTrainEpochs: z.number().positive().default(3),
    /** When > 0, the total number of optimizer steps; overrides numTrainEpochs (HF semantics). */
    maxSteps: int.default(-1),
    /** Examples per micro-batch (HF `per_device_train_batch_size`). */
    batchSize: int.positive().default(8),
    /** Examples per evaluation batch (HF `per_device_eval_batch_size`). */
    evalBatchSize: int.positive().default(8),
    learningRate: nonNegative.default(5e-5),
    weightDecay: nonNegative.default(0),
    /** Name fragments excluded from weight decay; default biases and LayerNorm weights. `[]` decays all. */
    noDecay: z.array(z.string()).optional(),
    adamBeta1: z.number().min(0).lt(1).default(0.9),
    adamBeta2: z.number().min(0).lt(1).default(0.999),
    adamEpsilon: nonNegative.default(1e-8),
    lrSchedulerType: z.enum(SCHEDULER_NAMES).default('linear'),
    /** Warmup steps; when > 0 it wins over warmupRatio (HF semantics). */
    warmupSteps: int.min(0).default(0),
    /** Fraction of the total steps used for warmup: ceil(ratio × total). */
    warmupRatio: z.number().min(0).max(1).default(0),
    /** Extra schedule knobs (HF `lr_scheduler_kwargs`). */
    schedulerOptions: z
      .object({
        numCycles: z.number().positive().optional(),
        power: z.number().positive().optional(),
        lrEnd: nonNegative.optional(),
        timescale: z.number().positive().optional(),
        cutFrac: z.number().gt(0).lt(1).optional(),
        ratio: z.number().min(1).optional(),
      })
      .strict()
      .default({}),
    /** Clip gradients to this global L2 norm; 0 disables clipping (the norm is still measured). */
    maxGradNorm: nonNegative.default(1.0),
    gradientAccumulationSteps: int.positive().default(1),
    /** Seeds the data order and the dropout masks. */
    seed: int.default(42),
    /** Reshuffle the training data every epoch. */
    shuffle: z.boolean().default(true),
    /** Batch examples of similar length together (needs a collator with `lengthOf`). */
    groupByLength: z.boolean().default(false),
    dataloaderDropLast: z.boolean().default(false),
    /** When to evaluate during training, if an evaluation set is given. */
    evalStrategy: z.enum(['no', 'steps', 'epoch']).default('no'),
    /** Evaluate every N optimizer steps with evalStrategy 'steps'. */
    evalSteps: int.positive().optional(),
    /** What a NaN/Inf loss or gradient does: stop with an error naming the step, or skip the step. */
    nanPolicy: z.enum(['error', 'skip']).default('error'),
    /** The metric best-model tracking (and, by default, early stopping) watches. */
    metricForBestModel: z.string().default('eval_loss'),
    /** Default: false for metrics whose name ends in "loss", else true (HF semantics). */
    greaterIsBetter: z.boolean().optional(),
    /** Restore the weights of the best evaluation when training ends (kept in memory). */
    loadBestModelAtEnd: z.boolean().default(false),
    /** Pass dropout seeds to the model so steps replay exactly (disable only to measure its cost). */
    deterministicDropout: z.boolean().default(true),
  })
  .strict();

export type TrainingArgsInput = z.input<typeof trainingArgsSchema>;
export type TrainingArgs = z.output<typeof trainingArgsSchema>;

/** Parses and completes training args; the first problem becomes one TlError naming the key. */
export function resolveTrainingArgs(input: TrainingArgsInput = {}): TrainingArgs {
  const result = trainingArgsSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(root)');
    throw new TlError('CONFIG', `training args: "${key}": ${issue.message}`);
  }
  const args = result.data;
  if (args.evalStrategy === 'steps' && args.evalSteps === undefined) {
    throw new TlError('CONFIG', 'training args: "evalSteps": required when evalStrategy is "steps"');
  }
  return args;
}

/** HF: greater_is_better defaults to False for a metric ending in "loss", else True. */
export function greaterIsBetter(args: Pick<TrainingArgs, 'greaterIsBetter' | 'metricForBestModel'>): boolean {
  return args.greaterIsBetter ?? !args.metricForBestModel.endsWith('loss');
}
