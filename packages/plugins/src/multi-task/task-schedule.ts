import { SeededRandom, TlError } from '@tl/core';

/**
 * How batches are drawn from the tasks: `proportional` — each task gets ⌈n_t / B⌉ batches per epoch,
 * in a seeded random order (so a batch is from task t with probability ∝ its size); `round-robin` —
 * tasks take turns, each getting as many batches as the largest task needs (smaller tasks cycle
 * through their data again).
 */
export type TaskSampling = 'proportional' | 'round-robin';

/** One single-task batch: the task and indices into that task's examples. */
export interface TaskBatch {
  readonly task: string;
  readonly indices: readonly number[];
}

/**
 * One epoch's batches. Every batch is full (`batchSize` indices): a task's last short batch is topped
 * up from the start of its shuffled order, so no example is dropped and batches never straddle tasks.
 */
export function taskSchedule(sizes: Readonly<Record<string, number>>, batchSize: number, sampling: TaskSampling, seed: number): TaskBatch[] {
  const tasks = Object.keys(sizes);
  if (tasks.length === 0) throw new TlError('CONFIG', 'task schedule: no tasks');
  const random = new SeededRandom(seed);
  const batchesOf = new Map<string, number[][]>();
  for (const t of tasks) {
    const n = sizes[t]!;
    if (!(Number.isInteger(n) && n > 0)) throw new TlError('INPUT', `task schedule: task "${t}" has no examples`);
    batchesOf.set(t, chunk(random.shuffle(Array.from({ length: n }, (_, i) => i)), batchSize));
  }
  if (sampling === 'proportional') {
    const order = random.shuffle(tasks.flatMap((t) => batchesOf.get(t)!.map((indices) => ({ task: t, indices }))));
    return order;
  }
  const rounds = Math.max(...tasks.map((t) => batchesOf.get(t)!.length));
  const out: TaskBatch[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const t of tasks) {
      const list = batchesOf.get(t)!;
      out.push({ task: t, indices: list[r % list.length]! });
    }
  }
  return out;
}

/** Full chunks of `size`, the last one completed by wrapping around. */
function chunk(order: readonly number[], size: number): number[][] {
  const count = Math.ceil(order.length / size);
  return Array.from({ length: count }, (_, c) => Array.from({ length: size }, (_, k) => order[(c * size + k) % order.length]!));
}
