import {
  evaluateModel,
  TlError,
  Trainer,
  type Callback,
  type Collator,
  type Example,
  type TrainerOptions,
  type TrainingArgsInput,
  type TrainResult,
  type TransferStrategy,
} from '@tl/core';
import { MultiTaskCollator, type TaskExample } from './multi-task-collator.js';
import type { MultiTaskModel } from './multi-task-model.js';
import { taskSchedule, type TaskSampling } from './task-schedule.js';

export interface MultiTaskTrainingOptions {
  readonly model: MultiTaskModel;
  /** Training examples per task (labels in that task's label space). */
  readonly train: Readonly<Record<string, readonly Example[]>>;
  /** Evaluated per task after training, through `model.taskModel(task)`. */
  readonly evaluation?: Readonly<Record<string, readonly Example[]>>;
  /** Collates one task's examples (the tasks share the encoder, so its tokenizer). */
  readonly collator: Collator;
  readonly sampling?: TaskSampling;
  /** Trainer args; `shuffle` and `groupByLength` are set by the task schedule. */
  readonly args?: TrainingArgsInput;
  readonly callbacks?: readonly Callback[];
  readonly strategies?: readonly TransferStrategy[];
  readonly container?: TrainerOptions['container'];
}

export interface MultiTaskTrainingResult {
  readonly result: TrainResult;
  readonly trainer: Trainer;
  /** The task of every optimizer step of one epoch, in order. */
  readonly schedule: readonly string[];
  /** `eval_*` metrics per task, when evaluation sets were given. */
  readonly metrics: Readonly<Record<string, Record<string, number>>>;
}

/**
 * Trains a multi-task model with the ordinary Trainer (its optimizer, schedules, clipping,
 * callbacks, checkpoints and strategies): one epoch's single-task batches are laid out in the task
 * schedule's order and the Trainer reads them in that order (`shuffle: false`), each epoch the same.
 */
export async function trainMultiTask(o: MultiTaskTrainingOptions): Promise<MultiTaskTrainingResult> {
  const batchSize = o.args?.batchSize ?? 8;
  const seed = o.args?.seed ?? 42;
  for (const t of Object.keys(o.train)) o.model.taskModel(t); // unknown task names fail here
  const sizes = Object.fromEntries(Object.entries(o.train).map(([t, ex]) => [t, ex.length]));
  const schedule = taskSchedule(sizes, batchSize, o.sampling ?? 'proportional', seed);
  const data: TaskExample[] = schedule.flatMap((b) => b.indices.map((i) => ({ ...o.train[b.task]![i]!, task: b.task })));
  const accumulation = o.args?.gradientAccumulationSteps ?? 1;
  if (o.strategies?.some((s) => s.transformDataset)) {
    throw new TlError('STRATEGY', 'multi-task training: data strategies would break the task schedule; enrich each task\'s examples before');
  }
  if (o.args?.groupByLength) throw new TlError('CONFIG', 'multi-task training: groupByLength would mix tasks within a batch');
  const trainer = new Trainer({
    model: o.model,
    collator: new MultiTaskCollator(o.collator),
    args: { ...o.args, batchSize, shuffle: false, groupByLength: false, dataloaderDropLast: false, gradientAccumulationSteps: accumulation },
    ...(o.callbacks && { callbacks: o.callbacks }),
    ...(o.strategies && { strategies: o.strategies }),
    ...(o.container && { container: o.container }),
  });
  const result = await trainer.fit(data);
  const metrics: Record<string, Record<string, number>> = {};
  for (const [task, examples] of Object.entries(o.evaluation ?? {})) {
    metrics[task] = await evaluateModel(o.model.taskModel(task), o.collator, examples, { batchSize: o.args?.evalBatchSize ?? batchSize });
  }
  return { result, trainer, schedule: schedule.map((b) => b.task), metrics };
}
