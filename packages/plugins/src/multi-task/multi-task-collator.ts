import { TlError, type CollatedBatch, type Collator, type Example } from '@tl/core';
import type { MultiTaskBatch } from './multi-task-model.js';

/** An example tagged with its task. */
export interface TaskExample extends Example {
  readonly task: string;
}

/** Collates single-task batches with an inner collator and tags the inputs with their task. */
export class MultiTaskCollator implements Collator {
  constructor(private readonly inner: Collator) {}

  collate(examples: readonly Example[]): CollatedBatch {
    const task = (examples[0] as Partial<TaskExample> | undefined)?.task;
    if (task === undefined) throw new TlError('INPUT', 'multi-task collator: the examples carry no task');
    if (examples.some((e) => (e as Partial<TaskExample>).task !== task)) {
      throw new TlError('INPUT', 'multi-task collator: a batch mixes tasks (batches must follow the task schedule)');
    }
    const batch = this.inner.collate(examples);
    const inputs: MultiTaskBatch = { ...batch.inputs, task };
    return { ...batch, inputs };
  }

  lengthOf(example: Example): number {
    if (!this.inner.lengthOf) throw new TlError('CONFIG', 'multi-task collator: the inner collator has no lengthOf()');
    return this.inner.lengthOf(example);
  }
}
