import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureDir } from '../support/fixtures.js';
import { expectOneLineError, fixtureInputFile, runTl, tempDir } from '../support/cli.js';

/**
 * Inputs that used to give a silently wrong result (a dropped plugin, ignored flags, a 1001-class
 * head, seed 0) or someone else's error format: each one is now one `tl: error:` line naming the
 * flag, the file or the line, or — for an empty predict input — an empty result with a note.
 */
let work: string;
let train: string;
const file = (name: string, text: string): string => {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
};
const lines = (records: readonly object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

beforeAll(() => {
  work = tempDir('tl-refused-');
  train = file('train.jsonl', lines([{ text: 'free software', label: 0 }, { text: 'no warranty', label: 1 }, { text: 'copyright notice', label: 2 }]));
});

const finetune = (...more: string[]) => ['finetune', '--model', fixtureDir('bert-cls'), '--train', train, '--output-dir', join(work, 'out'), ...more];

// Each case starts the CLI (tfjs and the model load) once or twice: on a loaded machine that takes minutes.
describe('plugins', { timeout: 300_000 }, () => {
  it('a plugin strategy named like a built-in one is refused, naming the plugin, not dropped for the built-in', async () => {
    const plugin = file('llrd-plugin.mjs', 'export const strategies = [{ name: "llrd", create: () => ({ name: "llrd", phase: "optimisation" }) }];\n');
    await expectOneLineError(finetune('--plugin', plugin, '--strategy', 'llrd'), /plugin .*llrd-plugin\.mjs: strategy "llrd" is already registered/);
  });

  it('auxiliary:file= that does not exist fails with the spec, before the model is loaded', async () => {
    // The model folder does not exist either: the auxiliary file's error must come first.
    const args = ['finetune', '--model', join(work, 'no-model'), '--train', train, '--output-dir', join(work, 'out'), '--strategy', `auxiliary:file=${join(work, 'gone.jsonl')}`];
    await expectOneLineError(args, /strategy "auxiliary": file=.*gone\.jsonl cannot be read \(ENOENT\)/);
  });
});

describe('trainer flags that could not act', { timeout: 300_000 }, () => {
  for (const flag of [['--early-stopping-patience', '2'], ['--load-best-model-at-end']]) {
    it(`${flag[0]} without --eval is refused (as HF refuses it)`, async () => {
      await expectOneLineError(finetune(...flag), new RegExp(`${flag[0]} needs an evaluation set: give --eval FILE`));
    });
  }

  it('tl transfer refuses the trainer flags it cannot honour, each with its reason', async () => {
    const base = ['transfer', '--model', fixtureDir('bert-mlm'), '--target-train', train, '--target-test', train, '--output-dir', join(work, 'transfer')];
    const cases: [string[], RegExp][] = [
      [['--save-steps', '5'], /--save-steps: tl transfer writes no checkpoints/],
      [['--save-total-limit', '2'], /--save-total-limit: tl transfer writes no checkpoints/],
      [['--resume'], /--resume: tl transfer cannot resume a run/],
      [['--early-stopping-patience', '2'], /--early-stopping-patience: tl transfer evaluates each run once/],
      [['--seed', '7'], /--seed: tl transfer runs every condition and budget with seeds 1\.\.N: set N with --seeds/],
    ];
    await Promise.all(cases.map(([flag, message]) => expectOneLineError([...base, ...flag], message)));
    // --eval-batch-size stays: its help says what transfer now does when it is absent.
    const help = await runTl(['transfer', '--help']);
    expect(help.stdout).toMatch(/--eval-batch-size <n>\s+examples per evaluation batch \(default:\s+--batch-size\)/);
    expect(help.stdout).not.toMatch(/--save-steps|--resume/);
  });
});

describe('flag values', { timeout: 300_000 }, () => {
  it('--batch-size abc is one tl error line naming the flag', async () => {
    await expectOneLineError(['predict', '--model', fixtureDir('bert-cls'), '--input', fixtureInputFile(false), '--batch-size', 'abc'], /^tl: error: option '--batch-size <n>' argument 'abc' is invalid\. expected a positive integer, got "abc" \(see tl predict --help\)$/);
  });

  it('--source-epochs abc names the flag, not a Trainer field', async () => {
    await expectOneLineError(['transfer', '--model', fixtureDir('bert-mlm'), '--target-train', train, '--target-test', train, '--output-dir', join(work, 't'), '--source-epochs', 'abc'], /option '--source-epochs <n>' argument 'abc' is invalid/);
  });

  it("--seed '' and --max-examples '' are refused, not read as 0", async () => {
    await expectOneLineError(finetune('--seed', ''), /option '--seed <n>' argument '' is invalid/);
    await expectOneLineError(['score', '--candidates', fixtureDir('bert-cls'), '--data', train, '--max-examples', ''], /option '--max-examples <n>' argument '' is invalid/);
  });

  it('--model NAME that is no folder says so before what the Hub lookup found', async () => {
    await expectOneLineError(['predict', '--model', 'no-such-model-folder', '--input', fixtureInputFile(false)], /no folder "no-such-model-folder" exists in .+; as a Hub model id: offline mode/, {
      HF_HUB_OFFLINE: '1',
      HF_HUB_CACHE: tempDir('tl-empty-cache-'),
    });
  });
});

describe('data', { timeout: 300_000 }, () => {
  it('one mistyped integer label (1000) is an error naming the file and line, not a 1001-class head', async () => {
    const typo = file('typo.jsonl', lines([{ text: 'a b', label: 0 }, { text: 'c d', label: 1 }, { text: 'e f', label: 1000 }, { text: 'g h', label: 1 }]));
    await expectOneLineError(finetune().map((a) => (a === train ? typo : a)), /typo\.jsonl:3: label 1000 makes 1001 classes, but 998 of them have no example \(2\.\.999\); class indices must be 0\.\.K-1 with every class present, or give --num-labels K/);
  });

  it('--num-labels K takes integer labels with classes the data lacks (and refuses labels >= K)', async () => {
    const gap = file('gap.jsonl', lines([{ text: 'a b', label: 0 }, { text: 'c d', label: 2 }]));
    const out = join(work, 'gap-out');
    const r = await runTl(['finetune', '--model', fixtureDir('bert-cls'), '--train', gap, '--output-dir', out, '--num-labels', '4', '--max-steps', '1', '--backend', 'cpu']);
    expect(r.status, r.stderr).toBe(0);
    expect(Object.keys((JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { id2label: object }).id2label)).toHaveLength(4);
    await expectOneLineError(['finetune', '--model', fixtureDir('bert-cls'), '--train', gap, '--output-dir', out, '--num-labels', '2'], /gap\.jsonl:2: label 2 is out of range for 2 classes/);
  });

  it('a 200k-row integer-labelled training file is read (no "Maximum call stack size exceeded")', async () => {
    const big = join(work, 'big.jsonl');
    writeFileSync(big, Array.from({ length: 200_000 }, (_, i) => `{"text":"t","label":${i % 2}}`).join('\n') + '\n');
    // The training file loads; the missing --eval file is the first thing that is wrong.
    await expectOneLineError(finetune('--eval', join(work, 'missing-eval.jsonl')).map((a) => (a === train ? big : a)), /missing-eval\.jsonl/);
  });

  it('tl predict on an empty input writes no lines (not one blank line) and says why, exit 0', async () => {
    const empty = file('empty.jsonl', '');
    const r = await runTl(['predict', '--model', fixtureDir('bert-cls'), '--input', empty]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tl: note: .*empty\.jsonl holds no records; no predictions written\n$/);
    const output = join(work, 'predictions.jsonl');
    expect((await runTl(['predict', '--model', fixtureDir('bert-cls'), '--input', empty, '--output', output])).status).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe('');
  });

  it('tl score --results whose keys match no candidate names them and the candidates', async () => {
    const data = file('two.jsonl', lines([{ text: 'a b', label: 0 }, { text: 'c d', label: 1 }]));
    const results = file('results.json', JSON.stringify({ 'bert-clss': 0.7, 'distilbert': 0.6 }));
    await expectOneLineError(
      ['score', '--candidates', `${fixtureDir('bert-cls')},${fixtureDir('distilbert-cls')}`, '--data', data, '--results', results],
      /results\.json: Kendall τ needs an accuracy for at least 2 candidates, found 0; keys matching no candidate: "bert-clss", "distilbert"; a key is a candidate as given or its folder name: ".*bert-cls" or "bert-cls", ".*distilbert-cls" or "distilbert-cls"/,
    );
  });
});
