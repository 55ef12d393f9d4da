import type * as tf from '@tensorflow/tfjs-core';
import {
  buildModel,
  loadModel,
  ParameterStore,
  TlError,
  type EncodedBatch,
  type EncoderModel,
  type ForwardOptions,
  type Labels,
  type Model,
  type ModelOutput,
  type ModelSpec,
} from '@tl/core';

/** A task: its name and class names (label index → name). */
export interface TaskHead {
  readonly name: string;
  readonly labels: readonly string[];
}

/** A batch routed to one task's head. */
export interface MultiTaskBatch extends EncodedBatch {
  readonly task: string;
}

export interface MultiTaskOutput extends ModelOutput {
  readonly task: string;
}

/** Where the head parameters of a task sit in the multi-task model's store: `tasks.<task>.<HF name>`. */
export function headParameterName(task: string, name: string): string {
  return `tasks.${task}.${name}`;
}

/**
 * Hard parameter sharing (Caruana 1997; MT-DNN): one encoder, one classification head per task. Each
 * task is a full HF sequence-classification model whose encoder parameters are the very variables
 * of the first task's model, so a gradient from any head updates the one encoder, and
 * `taskModel(name)` can be evaluated or saved (`savePretrained`) as an ordinary checkpoint.
 *
 * The model's own store lists the shared encoder under its HF names and every head under
 * `tasks.<task>.<name>`; a batch says which head it is for (`MultiTaskBatch.task`).
 */
export class MultiTaskModel implements Model {
  readonly parameters = new ParameterStore();
  readonly tasks: readonly TaskHead[];
  private readonly models = new Map<string, EncoderModel>();
  /** Multi-task parameter name → [task, name inside that task's model]. */
  private readonly heads = new Map<string, readonly [string, string]>();

  private constructor(tasks: readonly TaskHead[], models: readonly EncoderModel[]) {
    this.tasks = tasks;
    const base = models[0]!;
    const shared = base.parameters.names().filter((n) => base.depthOf(n) !== 'head');
    tasks.forEach((t, i) => {
      const m = models[i]!;
      this.models.set(t.name, m);
      if (i > 0) for (const n of shared) m.parameters.share(n, base.parameters.get(n));
      for (const n of m.parameters.names()) {
        if (m.depthOf(n) !== 'head') continue;
        const name = headParameterName(t.name, n);
        this.parameters.share(name, m.parameters.get(n));
        this.heads.set(name, [t.name, n]);
      }
    });
    for (const n of shared) this.parameters.share(n, base.parameters.get(n));
  }

  /** Fresh (seeded) models for each task from an HF config. */
  static fromConfig(config: Readonly<Record<string, unknown>>, tasks: readonly TaskHead[], spec: Omit<ModelSpec, 'task' | 'id2label'> = {}): MultiTaskModel {
    checkTasks(tasks);
    const models = tasks.map((t, i) => buildModel(config, { ...spec, task: 'sequence-classification', id2label: toId2Label(t), seed: (spec.seed ?? 42) + i }));
    return new MultiTaskModel(tasks, models);
  }

  /** The shared encoder from a pretrained HF folder; every head newly initialised. */
  static async fromPretrained(dir: string, tasks: readonly TaskHead[], spec: Omit<ModelSpec, 'task' | 'id2label'> = {}): Promise<MultiTaskModel> {
    checkTasks(tasks);
    const models: EncoderModel[] = [];
    try {
      for (const [i, t] of tasks.entries()) {
        const taskSpec = { ...spec, task: 'sequence-classification' as const, id2label: toId2Label(t), seed: (spec.seed ?? 42) + i };
        models.push(i === 0 ? (await loadModel(dir, taskSpec)).model : buildModel(models[0]!.config, taskSpec));
      }
    } catch (e) {
      models.forEach((m) => m.dispose());
      throw e;
    }
    return new MultiTaskModel(tasks, models);
  }

  /** The plain HF model of one task (shared encoder + its head): evaluate it, save it. */
  taskModel(task: string): EncoderModel {
    const m = this.models.get(task);
    if (!m) throw new TlError('MODEL', `multi-task model: no task "${task}" (tasks: ${[...this.models.keys()].join(', ')})`);
    return m;
  }

  private get base(): EncoderModel {
    return this.models.get(this.tasks[0]!.name)!;
  }
  get modelType(): string {
    return this.base.modelType;
  }
  get task(): Model['task'] {
    return 'sequence-classification';
  }
  get config(): Readonly<Record<string, unknown>> {
    return this.base.config;
  }
  get numLayers(): number {
    return this.base.numLayers;
  }

  forward(batch: EncodedBatch, options?: ForwardOptions): MultiTaskOutput {
    const task = (batch as Partial<MultiTaskBatch>).task;
    if (task === undefined) throw new TlError('MODEL', 'multi-task model: the batch names no task (use MultiTaskCollator)');
    return { ...this.taskModel(task).forward(batch, options), task };
  }

  loss(output: ModelOutput, labels: Labels): tf.Scalar {
    const task = (output as Partial<MultiTaskOutput>).task;
    if (task === undefined) throw new TlError('MODEL', 'multi-task model: the output names no task');
    return this.taskModel(task).loss(output, labels);
  }

  depthOf(name: string): ReturnType<Model['depthOf']> {
    return this.heads.has(name) ? 'head' : this.base.depthOf(name);
  }

  dispose(): void {
    // Heads first: every task but the first borrows the encoder, which the first owns.
    for (const m of [...this.models.values()].reverse()) m.dispose();
    this.parameters.dispose();
  }
}

function toId2Label(t: TaskHead): Record<string, string> {
  return Object.fromEntries(t.labels.map((l, i) => [String(i), l]));
}

function checkTasks(tasks: readonly TaskHead[]): void {
  if (tasks.length === 0) throw new TlError('CONFIG', 'multi-task model: no tasks');
  const seen = new Set<string>();
  for (const t of tasks) {
    if (!/^[\w-]+$/.test(t.name)) throw new TlError('CONFIG', `multi-task model: task name "${t.name}" must be letters, digits, "_" or "-"`);
    if (seen.has(t.name)) throw new TlError('CONFIG', `multi-task model: task "${t.name}" is given twice`);
    if (t.labels.length < 1) throw new TlError('CONFIG', `multi-task model: task "${t.name}" has no labels`);
    seen.add(t.name);
  }
}
