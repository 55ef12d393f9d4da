import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kendallTau, SeededRandom } from '@tl/core';
import { fixtureDir } from '../support/fixtures.js';
import { runTl, tempDir } from '../support/cli.js';

interface ScoreJson {
  examples: number;
  candidates: { candidate: string; logme: number; leep: number | null; hscore: number; knn: number; fineTuned?: number }[];
  kendallTau?: Record<string, number | null>;
}

/**
 * Two classes of license-like texts (the fixtures' tokenizers were trained on license text): shared
 * filler words, and in 70% of texts one word typical of the class. The other 30% carry no class
 * signal, so no features separate the classes perfectly (the scores stay away from their degenerate
 * limits) and a model fine-tuned on the task has more to gain than a random one.
 */
function taskLines(n: number): string[] {
  const rng = new SeededRandom(11);
  const filler = ['the', 'software', 'license', 'any', 'person', 'use', 'copy', 'modify', 'merge', 'distribute', 'provided', 'notice', 'shall', 'be', 'included', 'in', 'all', 'copies', 'or', 'portions', 'without', 'restriction'];
  const typical = [['permission', 'granted', 'free', 'charge'], ['copyright', 'warranty', 'liability', 'damages']];
  return Array.from({ length: n }, (_, i) => {
    const label = i % 2;
    const words = Array.from({ length: 8 }, () => filler[rng.int(filler.length)]!);
    if (rng.next() < 0.7) words.splice(rng.int(words.length), 0, typical[label]![rng.int(4)]!);
    return JSON.stringify({ text: words.join(' ') + '.', label: label === 0 ? 'grant' : 'copyright' });
  });
}

describe('tl score', () => {
  let work: string;
  let data: string;
  let tuned: string;
  beforeAll(async () => {
    work = tempDir('tl-score-');
    data = join(work, 'task.jsonl');
    writeFileSync(data, taskLines(160).join('\n') + '\n');
    // A candidate that has seen the task: bert-cls fine-tuned on it briefly.
    tuned = join(work, 'bert-tuned');
    const r = await runTl(['finetune', '--model', fixtureDir('bert-cls'), '--train', data, '--output-dir', tuned, '--max-steps', '30', '--lr', '3e-3', '--batch-size', '16', '--dropout', '0']);
    expect(r.status, r.stderr).toBe(0);
  });

  it('scores candidates (LEEP only where a classification head exists), ranks the task-tuned model first, and gives Kendall τ against fine-tuned accuracies', async () => {
    const candidates = [fixtureDir('bert-mlm'), fixtureDir('bert-cls'), fixtureDir('distilbert-cls'), tuned];
    const results = join(work, 'results.json');
    // Invented accuracies in a known order: the tuned model best, bert-mlm worst.
    writeFileSync(results, JSON.stringify({ 'bert-mlm': 0.6, 'bert-cls': 0.7, 'distilbert-cls': { accuracy: 0.65 }, 'bert-tuned': 0.95 }));
    const output = join(work, 'scores.json');
    const r = await runTl(['score', '--candidates', candidates.join(','), '--data', data, '--results', results, '--output', output, '--knn-k', '3']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/candidate\s+LogME\s+LEEP\s+H-score\s+kNN acc\s+fine-tuned acc/);
    expect(r.stdout).toMatch(/Kendall τ vs fine-tuned/);

    const json = JSON.parse(readFileSync(output, 'utf8')) as ScoreJson;
    expect(json.examples).toBe(160);
    const by = Object.fromEntries(json.candidates.map((c) => [c.candidate.split('/').at(-1)!, c]));
    expect(by['bert-mlm']!.leep).toBeNull(); // a masked-LM checkpoint has no source label head
    for (const name of ['bert-cls', 'distilbert-cls', 'bert-tuned']) expect(by[name]!.leep).toBeLessThanOrEqual(0);
    // Fine-tuning on the task made its features separate the classes.
    expect(by['bert-tuned']!.logme).toBeGreaterThan(by['bert-cls']!.logme);
    expect(by['bert-tuned']!.hscore).toBeGreaterThan(by['bert-cls']!.hscore);
    expect(by['bert-tuned']!.knn).toBeGreaterThan(by['bert-cls']!.knn);
    expect(by['bert-tuned']!.leep!).toBeGreaterThan(by['bert-cls']!.leep!);
    expect(by['distilbert-cls']!.fineTuned).toBe(0.65);
    // τ is the rank correlation of the JSON's own numbers.
    const tau = kendallTau(json.candidates.map((c) => c.logme), json.candidates.map((c) => c.fineTuned!));
    expect(json.kendallTau!['logme']).toBeCloseTo(tau, 12);
    const leepRows = json.candidates.filter((c) => c.leep !== null);
    expect(json.kendallTau!['leep']).toBeCloseTo(kendallTau(leepRows.map((c) => c.leep!), leepRows.map((c) => c.fineTuned!)), 12);
  });

  it('errors name the file: a --results entry that is not an accuracy', async () => {
    const results = join(work, 'bad-results.json');
    writeFileSync(results, JSON.stringify({ 'bert-cls': 'high' }));
    const r = await runTl(['score', '--candidates', fixtureDir('bert-cls'), '--data', data, '--results', results]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/bad-results\.json: "bert-cls" must be an accuracy/);
  });
});
