import { SeededRandom, TlError, type Example } from '@tl/core';

export interface StratifiedSubsampleOptions {
  /** Total number of labeled examples to keep (the label budget). */
  readonly budget: number;
  readonly seed: number;
  /**
   * Keep at least this many examples of every class that has them (default 1), so a small budget
   * still covers rare classes; the rest of the budget follows the class proportions.
   */
  readonly minPerClass?: number;
}

/**
 * A label-budget subsample that keeps the class proportions: each class gets `minPerClass`, then the
 * remaining budget is shared in proportion to class sizes by the largest-remainder method; within a
 * class, examples are drawn by a seeded shuffle. The result is in the input's order, so it is
 * deterministic in (examples, budget, seed) and independent of how classes are numbered.
 */
export function stratifiedSubsample<E extends Example>(examples: readonly E[], options: StratifiedSubsampleOptions): E[] {
  const { budget, seed } = options;
  const minPerClass = options.minPerClass ?? 1;
  if (!Number.isInteger(budget) || budget < 1) throw new TlError('CONFIG', `label budget must be a positive integer, got ${budget}`);
  if (budget >= examples.length) return [...examples];

  const byClass = new Map<number, number[]>();
  examples.forEach((e, i) => {
    const list = byClass.get(e.label);
    if (list) list.push(i);
    else byClass.set(e.label, [i]);
  });
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const floor = new Map(classes.map((c) => [c, Math.min(minPerClass, byClass.get(c)!.length)]));
  const reserved = [...floor.values()].reduce((a, b) => a + b, 0);
  if (reserved > budget) {
    throw new TlError('CONFIG', `label budget ${budget} is below ${minPerClass} per class for ${classes.length} classes (${reserved}); raise the budget or lower minPerClass`);
  }
  const quota = allocate(classes, byClass, floor, budget - reserved);

  const random = new SeededRandom(seed);
  const keep = new Set<number>();
  for (const c of classes) {
    const members = random.shuffle([...byClass.get(c)!]);
    for (const i of members.slice(0, quota.get(c)!)) keep.add(i);
  }
  return examples.filter((_, i) => keep.has(i));
}

/** Largest-remainder shares of `extra` over the classes' remaining sizes, added to their floors. */
function allocate(classes: number[], byClass: Map<number, number[]>, floor: Map<number, number>, extra: number): Map<number, number> {
  const room = new Map(classes.map((c) => [c, byClass.get(c)!.length - floor.get(c)!]));
  const totalRoom = [...room.values()].reduce((a, b) => a + b, 0);
  const quota = new Map(floor);
  if (extra === 0 || totalRoom === 0) return quota;
  const shares = classes.map((c) => {
    const exact = (extra * room.get(c)!) / totalRoom;
    return { c, whole: Math.floor(exact), rest: exact - Math.floor(exact) };
  });
  let left = extra - shares.reduce((a, s) => a + s.whole, 0);
  for (const s of shares) quota.set(s.c, quota.get(s.c)! + s.whole);
  // Ties in the remainder go to the smaller class id, so the allocation is deterministic.
  for (const s of [...shares].sort((a, b) => b.rest - a.rest || a.c - b.c)) {
    if (left === 0) break;
    if (quota.get(s.c)! < byClass.get(s.c)!.length) {
      quota.set(s.c, quota.get(s.c)! + 1);
      left--;
    }
  }
  return quota;
}
