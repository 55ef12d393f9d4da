import type { Example } from '@tl/core';

/** A labeled classification task with its fixed splits. */
export interface TaskSplits<E extends Example = Example> {
  readonly name: string;
  /** Class names by label index. */
  readonly labels: readonly string[];
  readonly train: readonly E[];
  readonly validation: readonly E[];
  readonly test: readonly E[];
}

/** `{ "0": name0, ... }`, the `id2label` a model head takes. */
export function id2label(task: Pick<TaskSplits, 'labels'>): Record<string, string> {
  return Object.fromEntries(task.labels.map((l, i) => [String(i), l]));
}
