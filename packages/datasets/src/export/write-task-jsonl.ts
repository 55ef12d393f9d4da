import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Example } from '@tl/core';
import type { TaskSplits } from '../tasks/task-splits.js';

export interface WriteTaskJsonlOptions<E extends Example> {
  /** Extra example fields to write beside text and label (e.g. `id`, `kind`). */
  readonly extraFields?: readonly (keyof E & string)[];
}

/** Paths of the files written, by split. */
export interface TaskJsonlFiles {
  readonly train: string;
  readonly validation: string;
  readonly test: string;
  /** `labels.json`: the class names in label-index order. */
  readonly labels: string;
}

/**
 * Writes a task as the JSONL files `tl finetune --train/--eval` and `tl predict` read:
 * `<dir>/{train,validation,test}.jsonl`, one `{"text", "label"}` per line with the label as its
 * class name (so the CLI's label map is the task's), plus `labels.json`.
 */
export async function writeTaskJsonl<E extends Example>(task: TaskSplits<E>, dir: string, options: WriteTaskJsonlOptions<E> = {}): Promise<TaskJsonlFiles> {
  await mkdir(dir, { recursive: true });
  const line = (e: E) => {
    const record: Record<string, unknown> = { text: e.text, ...(e.textPair !== undefined && { text_pair: e.textPair }), label: task.labels[e.label] };
    for (const f of options.extraFields ?? []) record[f] = e[f];
    return JSON.stringify(record);
  };
  const files = {
    train: join(dir, 'train.jsonl'),
    validation: join(dir, 'validation.jsonl'),
    test: join(dir, 'test.jsonl'),
    labels: join(dir, 'labels.json'),
  };
  for (const split of ['train', 'validation', 'test'] as const) {
    await writeFile(files[split], task[split].map(line).join('\n') + (task[split].length ? '\n' : ''));
  }
  await writeFile(files.labels, JSON.stringify(task.labels) + '\n');
  return files;
}
