import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TransferResults } from '@tl/core';
import { fixtureDir } from '../support/fixtures.js';
import { runTl, tempDir } from '../support/cli.js';
import { writeTransferTask } from '../support/transfer-task.js';

describe('tl transfer on generic JSONL', () => {
  let work: string;
  beforeAll(() => {
    work = tempDir('tl-transfer-');
    writeTransferTask(work); // source.jsonl, target-train.jsonl, target-test.jsonl
  });

  it('runs every condition at every budget and seed and writes results.json, transfer.jsonl and run logs', async () => {
    const out = join(work, 'out');
    const r = await runTl([
      'transfer', '--model', fixtureDir('bert-mlm'),
      '--source-train', join(work, 'source.jsonl'),
      '--target-train', join(work, 'target-train.jsonl'), '--target-test', join(work, 'target-test.jsonl'),
      '--text-field', 'sentence', '--text-pair-field', 'second', '--label-field', 'y',
      '--budgets', '0.25,1', '--seeds', '2', '--epochs', '1', '--source-max-steps', '4', '--batch-size', '16',
      '--max-length', '24', '--strategy', 'llrd:decay=0.9', '--output-dir', out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as TransferResults;
    expect(results.conditions).toEqual(['scratch', 'pretrained', 'intermediate']);
    expect(results.runs).toHaveLength(3 * 2 * 2);
    expect(results.runs.filter((x) => x.budget === 0.25).every((x) => x.trainSize === 20)).toBe(true);
    expect(results.targetTestSize).toBe(40);
    // Every accuracy is a count of right answers on the 40 test rows, and is the run's eval_accuracy.
    for (const run of results.runs) {
      expect(run.accuracy).toBe(run.metrics['eval_accuracy']);
      expect(Math.abs(run.accuracy * 40 - Math.round(run.accuracy * 40)), `${run.accuracy} × 40`).toBeLessThan(1e-9);
      expect(run.accuracy).toBeGreaterThanOrEqual(0);
      expect(run.accuracy).toBeLessThanOrEqual(1);
    }
    // The conditions differ only in where the weights start: at one budget and seed they train on the
    // same rows with the same schedule, and the first step's loss (before any update) tells the three
    // starting points apart — random init, the checkpoint, the source-tuned checkpoint.
    const steps = (name: string) =>
      readFileSync(join(out, 'runs', name, 'metrics.jsonl'), 'utf8').trim().split('\n')
        .map((l) => JSON.parse(l) as { step?: number; loss?: number; lr?: number })
        .filter((m) => m.loss !== undefined);
    for (const budget of [0.25, 1]) {
      for (const seed of results.seeds) {
        const runs = results.conditions.map((c) => steps(`${c}-b${budget}-s${seed}`));
        const cell = results.runs.filter((x) => x.budget === budget && x.seed === seed);
        expect(new Set(cell.map((x) => x.trainSize)).size).toBe(1);
        for (const r of runs.slice(1)) expect(r.map((m) => [m.step, m.lr]), 'same schedule').toEqual(runs[0]!.map((m) => [m.step, m.lr]));
        const firstLosses = runs.map((r) => r[0]!.loss!);
        expect(new Set(firstLosses).size, `first losses ${firstLosses.join(', ')} at budget ${budget}, seed ${seed}`).toBe(3);
      }
    }
    // Scores against scratch at each budget, and data efficiency for both transferred conditions.
    const row = results.summary.find((s) => s.condition === 'pretrained' && s.budget === 1)!;
    expect(row.accuracy.n).toBe(2);
    expect(typeof row.gainPoints).toBe('number');
    expect(Object.keys(results.dataEfficiency).sort()).toEqual(['intermediate', 'pretrained']);
    expect(readFileSync(join(out, 'transfer.jsonl'), 'utf8').trim().split('\n')).toHaveLength(12);
    expect(readFileSync(join(out, 'runs', 'pretrained-b1-s2', 'metrics.jsonl'), 'utf8')).toContain('"loss"');
    // The source-tuned checkpoint is a complete HF folder with the source's label names.
    const config = JSON.parse(readFileSync(join(out, 'source-model', 'config.json'), 'utf8')) as { id2label: Record<string, string> };
    expect(Object.values(config.id2label).sort()).toEqual(['disclaim', 'grant', 'own']);
    expect(r.stdout).toContain('| intermediate | 1 |');
  }, 180_000);

  it('refuses a budget outside (0, 1] and an unknown condition in one line', async () => {
    const base = ['transfer', '--model', fixtureDir('bert-mlm'), '--target-train', join(work, 'target-train.jsonl'), '--target-test', join(work, 'target-test.jsonl'), '--label-field', 'y', '--text-field', 'sentence', '--output-dir', join(work, 'bad')];
    const budget = await runTl([...base, '--budgets', '0,2']);
    expect(budget.status).not.toBe(0);
    expect(budget.stderr).toMatch(/--budgets: 0,2 must list fractions in \(0, 1\]/);
    const condition = await runTl([...base, '--conditions', 'scratch,magic']);
    expect(condition.status).not.toBe(0);
    expect(condition.stderr).toMatch(/unknown 'magic'/);
    const noSource = await runTl([...base, '--conditions', 'intermediate']);
    expect(noSource.stderr).toMatch(/needs a source task/);
  }, 60_000);
});
