import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_PAIRS, FIXTURE_TEXTS, fixtureDir, reference } from '../support/fixtures.js';
import { runTl, tempDir } from '../support/cli.js';

interface Report {
  model: string;
  data: string;
  examples: number;
  metrics: Record<string, number>;
  perClass: { label: string; precision: number; recall: number; f1: number; support: number }[];
  confusionMatrix: { labels: string[]; counts: number[][] };
}

/** The fixture's three pairs with its labels (fixtures README), as a user's labelled file. */
function fixtureData(): string {
  const labels = reference('bert-cls').labels!;
  const path = join(tempDir(), 'test.jsonl');
  writeFileSync(path, FIXTURE_TEXTS.map((text, i) => JSON.stringify({ text, text_pair: FIXTURE_PAIRS[i], label: labels[i] })).join('\n') + '\n');
  return path;
}

const PAIR_FLAGS = ['--text-pair-field', 'text_pair', '--max-length', '56', '--backend', 'cpu'];

describe('tl evaluate', () => {
  it("reports bert-cls's metrics as its HF logits and loss imply", async () => {
    const ref = reference('bert-cls');
    const labels = ref.labels!;
    const rows = ref.logits!.data as number[] | number[][];
    const logits: number[][] = Array.isArray(rows[0]) ? (rows as number[][]) : labels.map((_, i) => (rows as number[]).slice(3 * i, 3 * i + 3));
    const predicted = logits.map((row) => row.indexOf(Math.max(...row)));
    // The fixture's logits put every example in class 2: one right of three, two classes never predicted.
    expect(predicted).toEqual([2, 2, 2]);

    const data = fixtureData();
    const outFile = join(tempDir(), 'reports', 'eval.json');
    const r = await runTl(['evaluate', '--model', fixtureDir('bert-cls'), '--data', data, ...PAIR_FLAGS, '--json', '--output', outFile]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
    const report = JSON.parse(r.stdout) as Report;
    expect(JSON.parse(readFileSync(outFile, 'utf8'))).toEqual(report);

    expect(report.examples).toBe(3);
    expect(report.metrics['eval_loss']).toBeCloseTo(ref.loss, 5);
    expect(report.metrics['eval_accuracy']).toBeCloseTo(1 / 3, 10);
    // Per class (sklearn): LABEL_0 and LABEL_1 have F1 0; LABEL_2 precision 1/3, recall 1, F1 1/2.
    expect(report.metrics['eval_f1_macro']).toBeCloseTo(0.5 / 3, 10);
    expect(report.metrics['eval_f1_micro']).toBeCloseTo(1 / 3, 10);
    // One predicted class only: MCC's denominator is 0, and sklearn reports 0.
    expect(report.metrics['eval_mcc']).toBe(0);
    expect(report.perClass).toEqual([
      { label: 'LABEL_0', precision: 0, recall: 0, f1: 0, support: 1 },
      { label: 'LABEL_1', precision: 0, recall: 0, f1: 0, support: 1 },
      { label: 'LABEL_2', precision: 1 / 3, recall: 1, f1: 0.5, support: 1 },
    ]);
    expect(report.confusionMatrix).toEqual({ labels: ['LABEL_0', 'LABEL_1', 'LABEL_2'], counts: [[0, 0, 1], [0, 0, 1], [0, 0, 1]] });

    // Batching does not change the numbers; the default output is tables with the same values.
    const t = await runTl(['evaluate', '--model', fixtureDir('bert-cls'), '--data', data, ...PAIR_FLAGS, '--batch-size', '1']);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toContain(`| loss (cross-entropy) | ${report.metrics['eval_loss']!.toFixed(4)} |`);
    expect(t.stdout).toContain('| accuracy | 0.3333 |');
    expect(t.stdout).toContain('| F1 macro | 0.1667 |');
    expect(t.stdout).toContain('| MCC | 0.0000 |');
    expect(t.stdout).toContain('| LABEL_2 | 0.3333 | 1.0000 | 0.5000 | 1 |');
    expect(t.stdout).toContain('| LABEL_0 | 0 | 0 | 1 |');
  });

  it('round trip: evaluating what tl finetune saved reproduces its final eval metrics, with its label names', async () => {
    const dir = tempDir();
    const train = join(dir, 'train.csv');
    writeFileSync(train, 'text,label\n"good movie",pos\n"bad movie",neg\n"fine film",pos\n"awful film",neg\n');
    const heldOut = join(dir, 'test.csv');
    writeFileSync(heldOut, 'text,label\n"a good film",pos\n"a bad film",neg\n"awful movie",neg\n"fine",pos\n"not good",neg\n');
    const out = join(dir, 'model');
    const ft = await runTl(['finetune', '--model', fixtureDir('bert-cls'), '--train', train, '--eval', heldOut, '--output-dir', out, '--max-steps', '3', '--batch-size', '4', '--lr', '5e-3', '--backend', 'cpu']);
    expect(ft.status, ft.stderr).toBe(0);
    const evalLines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>).filter((l) => 'eval_loss' in l);
    const last = evalLines.at(-1)!;
    expect(last['step']).toBe(3);

    const r = await runTl(['evaluate', '--model', out, '--data', heldOut, '--backend', 'cpu', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.metrics['eval_loss']).toBeCloseTo(last['eval_loss']!, 6);
    for (const k of ['eval_accuracy', 'eval_f1_macro', 'eval_f1_micro', 'eval_mcc']) expect(report.metrics[k], k).toBe(last[k]);
    expect(report.perClass.map((c) => [c.label, c.support])).toEqual([['neg', 3], ['pos', 2]]);

    // A label the fine-tuned model was not trained on names the file and the line.
    const unseen = join(dir, 'unseen.csv');
    writeFileSync(unseen, 'text,label\n"great",pos\n"meh",neutral\n');
    const bad = await runTl(['evaluate', '--model', out, '--data', unseen, '--backend', 'cpu']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^tl: error: .*unseen\.csv:3: unknown label "neutral" \(known: neg, pos\)\n$/);
  });

  it('answers --help with the data flags and the report format', async () => {
    const r = await runTl(['evaluate', '--help']);
    expect(r.status).toBe(0);
    for (const flag of ['--model', '--data', '--text-field', '--text-pair-field', '--label-field', '--max-length', '--batch-size', '--backend', '--json', '--output']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/eval_f1_macro/);
    const top = await runTl(['--help']);
    expect(top.stdout).toMatch(/\bevaluate\b/);
  });
});
