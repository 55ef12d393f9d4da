import { join } from 'node:path';
import { formatStrategySpec, meanStd, parseStrategySpec, TlError, type TrainingArgsInput, type TransferResults } from '@tl/core';
import type { TransferSpec } from './transfer-spec.js';

/**
 * `tl sweep --grid AXIS` (repeatable): one axis of a grid over strategies and hyperparameters.
 * - `FLAG=V1,V2,...` sets a trainer flag of the target runs (the source fine-tuning stays the same);
 * - `STRATEGY:KEY=V1,V2,...` sets one option of a strategy (axes of one strategy merge into one spec).
 */
export interface GridAxis {
  readonly label: string;
  readonly values: readonly string[];
  readonly apply: (cell: { targetArgs: TrainingArgsInput; strategies: Map<string, Record<string, string>> }, value: string) => void;
}

/** The trainer flags an axis may vary, as the Trainer's argument names. */
const TRAINER_AXES: Readonly<Record<string, keyof TrainingArgsInput>> = {
  lr: 'learningRate',
  'weight-decay': 'weightDecay',
  epochs: 'numTrainEpochs',
  'warmup-ratio': 'warmupRatio',
  'batch-size': 'batchSize',
};

export function parseGridAxis(text: string): GridAxis {
  const eq = text.indexOf('=');
  const values = eq < 0 ? [] : text.slice(eq + 1).split(',').map((v) => v.trim()).filter(Boolean);
  if (eq < 0 || values.length === 0) throw new TlError('CONFIG', `--grid ${text}: expected FLAG=V1,V2 or STRATEGY:KEY=V1,V2`);
  const head = text.slice(0, eq).trim();
  const colon = head.indexOf(':');
  if (colon < 0) {
    const arg = TRAINER_AXES[head];
    if (!arg) throw new TlError('CONFIG', `--grid ${text}: '${head}' is not a flag a grid can vary (${Object.keys(TRAINER_AXES).join(', ')}; or STRATEGY:KEY=...)`);
    for (const v of values) if (!Number.isFinite(Number(v)) || Number(v) < 0) throw new TlError('CONFIG', `--grid ${text}: '${v}' is not a non-negative number`);
    return { label: head, values, apply: (cell, v) => void ((cell.targetArgs as Record<string, unknown>)[arg] = Number(v)) };
  }
  const name = head.slice(0, colon);
  const key = head.slice(colon + 1);
  parseStrategySpec(`${name}:${key}=${values[0]}`); // a malformed name or key fails here, with the spec named
  return {
    label: `${name}.${key}`,
    values,
    apply: (cell, v) => {
      const options = cell.strategies.get(name) ?? {};
      options[key] = v;
      cell.strategies.set(name, options);
    },
  };
}

/** One cell of the sweep: its settings, named, and the transfer experiment that measures it. */
export interface SweepCell {
  /** `lr=0.003 llrd.decay=0.8`: what this cell sets. */
  readonly name: string;
  readonly settings: Readonly<Record<string, string>>;
  readonly spec: TransferSpec;
}

/**
 * Every combination of the axes' values, each a transfer experiment of its own under
 * `<outputDir>/cells/<name>/` with the base spec's data, grid and strategies plus the cell's settings.
 */
export function expandSweep(base: TransferSpec, axes: readonly GridAxis[]): SweepCell[] {
  const baseNames = new Set(base.strategies.map((s) => parseStrategySpec(s).name));
  let combos: Record<string, string>[] = [{}];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.label]: v })));
  return combos.map((settings) => {
    const cell = { targetArgs: { ...base.targetArgs }, strategies: new Map<string, Record<string, string>>() };
    axes.forEach((axis) => axis.apply(cell, settings[axis.label]!));
    for (const name of cell.strategies.keys()) {
      if (baseNames.has(name)) throw new TlError('CONFIG', `--grid varies strategy '${name}', which --strategy also sets: give its fixed options in --grid's axes instead`);
    }
    const specs = [...cell.strategies].map(([name, options]) => formatStrategySpec({ name, options }));
    const name = Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(' ');
    const folder = Object.entries(settings).map(([k, v]) => `${k}-${v}`).join('_');
    return { name, settings, spec: { ...base, targetArgs: cell.targetArgs, strategies: [...base.strategies, ...specs], outputDir: join(base.outputDir, 'cells', folder) } };
  });
}

/** A cell's place in the ranking: mean accuracy over every transferred run of it (all budgets and seeds). */
export interface RankedCell {
  readonly rank: number;
  readonly name: string;
  readonly settings: Readonly<Record<string, string>>;
  readonly outputDir: string;
  readonly accuracy: { readonly mean: number; readonly std: number; readonly n: number };
  /** Mean accuracy per label budget, smallest budget first. */
  readonly byBudget: readonly { readonly budget: number; readonly accuracy: number }[];
  /** Runs that failed for good. */
  readonly missing: number;
}

/** Ranks the cells, best first; scratch runs (no strategy applies to them) do not count. */
export function rankSweep(cells: readonly SweepCell[], results: readonly TransferResults[]): RankedCell[] {
  const rows = cells.map((cell, i) => {
    const runs = results[i]!.runs.filter((r) => r.condition !== 'scratch');
    const byBudget = results[i]!.budgets.map((budget) => ({ budget, accuracy: meanStd(runs.filter((r) => r.budget === budget).map((r) => r.accuracy)).mean }));
    return { name: cell.name, settings: cell.settings, outputDir: cell.spec.outputDir, accuracy: { ...meanStd(runs.map((r) => r.accuracy)), n: runs.length }, byBudget, missing: results[i]!.missing?.length ?? 0 };
  });
  // Cells without a run (all failed) rank last; ties keep the grid's order.
  const score = (r: (typeof rows)[number]) => (r.accuracy.n > 0 ? r.accuracy.mean : -Infinity);
  return [...rows].sort((a, b) => score(b) - score(a)).map((r, i) => ({ rank: i + 1, ...r }));
}

/** The ranking as the Markdown table `tl sweep` prints. */
export function formatSweepTable(ranked: readonly RankedCell[]): string {
  const budgets = (ranked[0]?.byBudget ?? []).map((b) => b.budget);
  const pct = (x: number) => (Number.isNaN(x) ? '—' : (100 * x).toFixed(1));
  return [
    `| rank | cell | accuracy % (mean ± std) | runs |${budgets.map((b) => ` budget ${b} |`).join('')}`,
    `| ---: | --- | ---: | ---: |${budgets.map(() => ' ---: |').join('')}`,
    ...ranked.map((r) => `| ${r.rank} | ${r.name} | ${pct(r.accuracy.mean)} ± ${pct(r.accuracy.std)} | ${r.accuracy.n}${r.missing ? ` (${r.missing} missing)` : ''} |${r.byBudget.map((b) => ` ${pct(b.accuracy)} |`).join('')}`),
  ].join('\n');
}
