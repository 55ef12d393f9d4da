import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensorsFile } from '@tl/core';
import { FIXTURE_PAIRS, FIXTURE_TEXTS, fixtureDir, maxAbsDiff, reference } from '../support/fixtures.js';
import { runTl, tempDir } from '../support/cli.js';

interface Trajectory {
  losses: number[];
  lrs: number[];
  final_logits: { shape: number[]; data: number[] | number[][] };
}
interface MetricsLine {
  step: number;
  loss: number;
  lr: number;
}

/** The three fixture pairs with the fixture's labels, as a user's training file. */
function trainFile(): string {
  const labels = reference('bert-cls').labels!;
  const path = join(tempDir(), 'train.jsonl');
  writeFileSync(path, FIXTURE_TEXTS.map((text, i) => JSON.stringify({ text, text_pair: FIXTURE_PAIRS[i], label: labels[i] })).join('\n') + '\n');
  return path;
}

/** trajectory.json's recipe (fixtures README) in CLI flags. */
const TRAJECTORY_FLAGS = [
  '--text-pair-field', 'text_pair', '--batch-size', '3', '--no-shuffle', '--dropout', '0', '--lr', '5e-3',
  '--warmup-steps', '2', '--max-steps', '6', '--max-grad-norm', '1.0', '--weight-decay', '0.01', '--no-decay', '', '--max-length', '56',
];

/** Names of the tensors whose bytes are the same in both safetensors files (of those both hold). */
async function unchangedTensors(a: string, b: string): Promise<string[]> {
  const [x, y] = await Promise.all([readSafetensorsFile(a), readSafetensorsFile(b)]);
  return [...x.tensors.keys()].filter((n) => {
    const other = y.tensors.get(n);
    return other !== undefined && Buffer.from(x.tensors.get(n)!.bytes).equals(Buffer.from(other.bytes));
  });
}

function metrics(dir: string): MetricsLine[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsLine).filter((l) => 'loss' in l);
}

describe('tl finetune', () => {
  // Issue 3 asks 1e-5 for losses on the CPU backends (torch-cpu: libtorch through @tl/backend-cuda, issue 7);
  // issue 6 asks 1e-4 on WebGPU (float32 GPU kernels).
  for (const [backend, lossTol] of [['wasm', 1e-5], ['cpu', 1e-5], ['torch-cpu', 1e-5], ['webgpu', 1e-4]] as const) {
    it(`reproduces HF/torch trajectory.json on ${backend}: losses and lrs within ${lossTol}, final logits within 1e-4`, async () => {
      const traj = JSON.parse(readFileSync(join(fixtureDir('bert-cls'), 'trajectory.json'), 'utf8')) as Trajectory;
      const train = trainFile();
      const out = join(tempDir(), 'ft');
      const r = await runTl(['finetune', '--model', fixtureDir('bert-cls'), '--train', train, '--output-dir', out, '--backend', backend, ...TRAJECTORY_FLAGS]);
      expect(r.status, r.stderr).toBe(0);
      const lines = metrics(out);
      expect(lines.map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(maxAbsDiff(lines.map((l) => l.loss), traj.losses)).toBeLessThanOrEqual(lossTol);
      expect(maxAbsDiff(lines.map((l) => l.lr), traj.lrs)).toBeLessThanOrEqual(1e-5);

      // The saved folder is the fine-tuned model: its predictions are torch's final logits.
      const input = join(tempDir(), 'in.jsonl');
      writeFileSync(input, FIXTURE_TEXTS.map((text, i) => JSON.stringify({ text, text_pair: FIXTURE_PAIRS[i] })).join('\n'));
      const p = await runTl(['predict', '--model', out, '--input', input, '--max-length', '56', '--backend', backend]);
      expect(p.status, p.stderr).toBe(0);
      const logits = p.stdout.trim().split('\n').flatMap((l) => (JSON.parse(l) as { logits: number[] }).logits);
      expect(maxAbsDiff(logits, traj.final_logits.data.flat())).toBeLessThanOrEqual(1e-4);
    });
  }

  it('--resume from a checkpoint continues bit-identically (cpu)', async () => {
    const train = trainFile();
    const full = join(tempDir(), 'full');
    const flags = [...TRAJECTORY_FLAGS, '--backend', 'cpu', '--save-steps', '3'];
    const first = await runTl(['finetune', '--model', fixtureDir('bert-cls'), '--train', train, '--output-dir', full, ...flags]);
    expect(first.status, first.stderr).toBe(0);
    // Each checkpoint is a complete HF folder: it carries the tokenizer files the model came with.
    for (const name of ['tokenizer.json', 'tokenizer_config.json']) {
      const json = (dir: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown;
      expect(json(join(full, 'checkpoint-3')), name).toEqual(json(fixtureDir('bert-cls')));
    }

    // A run that stopped after its step-3 checkpoint: the folder as it was then.
    const resumed = join(tempDir(), 'resumed');
    mkdirSync(resumed);
    cpSync(join(full, 'checkpoint-3'), join(resumed, 'checkpoint-3'), { recursive: true });
    writeFileSync(join(resumed, 'metrics.jsonl'), readFileSync(join(full, 'metrics.jsonl'), 'utf8').split('\n').slice(0, 3).join('\n') + '\n');
    const r = await runTl(['finetune', '--model', fixtureDir('bert-cls'), '--train', train, '--output-dir', resumed, ...flags, '--resume']);
    expect(r.status, r.stderr).toBe(0);
    expect(metrics(resumed)).toEqual(metrics(full));
    expect(readFileSync(join(resumed, 'model.safetensors')).equals(readFileSync(join(full, 'model.safetensors')))).toBe(true);
  });

  it('string labels build a sorted label map that is saved in config.json; an unknown eval label names its line', async () => {
    const dir = tempDir();
    const train = join(dir, 'train.csv');
    writeFileSync(train, 'text,label\n"good movie",pos\n"bad movie",neg\n"fine film",pos\n');
    const evalFile = join(dir, 'eval.csv');
    writeFileSync(evalFile, 'text,label\n"great",pos\n"meh",neutral\n');
    const out = join(dir, 'out');
    const bad = await runTl(['finetune', '--model', fixtureDir('bert-cls'), '--train', train, '--eval', evalFile, '--output-dir', out, '--max-steps', '1', '--backend', 'cpu']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^tl: error: .*eval\.csv:3: .*neutral/);

    const ok = await runTl(['finetune', '--model', fixtureDir('bert-cls'), '--train', train, '--output-dir', out, '--max-steps', '2', '--backend', 'cpu']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/classifier\.weight re-initialised/);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.id2label).toEqual({ 0: 'neg', 1: 'pos' });
    expect(config.label2id).toEqual({ neg: 0, pos: 1 });
  });

  it('--strategy shapes training: freeze keeps the embeddings and layer 0 bit-identical, llrd changes what the rest learns', async () => {
    const train = trainFile();
    const fixture = join(fixtureDir('bert-cls'), 'model.safetensors');
    const flags = [...TRAJECTORY_FLAGS, '--backend', 'cpu'];
    const finetune = async (name: string, strategies: string[]) => {
      const out = join(tempDir(), name);
      const r = await runTl(['finetune', '--model', fixtureDir('bert-cls'), '--train', train, '--output-dir', out, ...flags, ...strategies]);
      expect(r.status, r.stderr).toBe(0);
      return join(out, 'model.safetensors');
    };
    const [plain, frozen, frozenLlrd] = await Promise.all([
      finetune('plain', []),
      finetune('freeze', ['--strategy', 'freeze:layers=1']),
      finetune('freeze-llrd', ['--strategy', 'freeze:layers=1', '--strategy', 'llrd:decay=0.5']),
    ]);
    const bottom = (n: string) => n.startsWith('bert.embeddings.') || n.startsWith('bert.encoder.layer.0.');

    // Without a strategy every tensor moves, so "unchanged" below is the strategy's doing.
    expect(await unchangedTensors(fixture, plain)).toEqual([]);
    for (const out of [frozen, frozenLlrd]) {
      const unchanged = await unchangedTensors(fixture, out);
      expect(unchanged).toContain('bert.embeddings.word_embeddings.weight');
      expect(unchanged).toContain('bert.encoder.layer.0.attention.self.query.weight');
      expect(unchanged.every(bottom), unchanged.join(', ')).toBe(true);
    }
    // llrd scales the lr of layer 1 below the head's: same frozen bottom, different layer 1.
    const sameInBoth = await unchangedTensors(frozen, frozenLlrd);
    expect(sameInBoth.every(bottom), sameInBoth.join(', ')).toBe(true);
    expect(sameInBoth).not.toContain('bert.encoder.layer.1.attention.self.query.weight');
  });

  it('--plugin loads a user strategy module: its strategy trains only the head; a broken module is one clear error', async () => {
    const dir = tempDir();
    // A user's plugin with no import of @tl/core: it exports its factories as `strategies`.
    const plugin = join(dir, 'head-only.mjs');
    writeFileSync(
      plugin,
      `export const strategies = [{
        name: 'head-only',
        create: () => ({
          name: 'head-only',
          phase: 'optimisation',
          parameterGroups: (groups) => groups.flatMap((g) => [
            { ...g, name: g.name + '/head', parameterNames: g.parameterNames.filter((n) => n.startsWith('classifier.')) },
            { ...g, name: g.name + '/body', parameterNames: g.parameterNames.filter((n) => !n.startsWith('classifier.')), trainable: false },
          ].filter((p) => p.parameterNames.length > 0)),
        }),
      }];\n`,
    );
    const out = join(dir, 'out');
    const r = await runTl(['finetune', '--model', fixtureDir('bert-cls'), '--train', trainFile(), '--output-dir', out, ...TRAJECTORY_FLAGS, '--backend', 'cpu', '--plugin', plugin, '--strategy', 'head-only']);
    expect(r.status, r.stderr).toBe(0);
    const unchanged = await unchangedTensors(join(fixtureDir('bert-cls'), 'model.safetensors'), join(out, 'model.safetensors'));
    expect(unchanged).toContain('bert.encoder.layer.0.attention.self.query.weight');
    expect(unchanged).not.toContain('classifier.weight');
    expect(unchanged.every((n) => !n.startsWith('classifier.')), unchanged.join(', ')).toBe(true);

    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, 'export const strategies = [{ name: 42 }];\n');
    const bad = await runTl(['finetune', '--model', fixtureDir('bert-cls'), '--train', trainFile(), '--output-dir', join(dir, 'o'), '--plugin', broken, '--strategy', 'head-only']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^tl: error: plugin .*broken\.mjs: exported strategy #1 is not \{ name: string, create\(options\) \}/);
  });

  it('an unknown --strategy is one clear error, before any data is read', async () => {
    const missing = join(tempDir(), 'not-there.jsonl');
    const r = await runTl(['finetune', '--model', fixtureDir('bert-cls'), '--train', missing, '--output-dir', join(tempDir(), 'o'), '--strategy', 'freez:layers=1']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tl: error: unknown strategy "freez"; registered: .*\bfreeze\b.*\bllrd\b/);

    const bad = await runTl(['finetune', '--model', fixtureDir('bert-cls'), '--train', missing, '--output-dir', join(tempDir(), 'o'), '--strategy', 'freeze:layerz=1']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^tl: error: strategy "freeze": unknown option "layerz"/);
  });

  it('answers --help with the HF-named flags and --strategy', async () => {
    const r = await runTl(['finetune', '--help']);
    expect(r.status).toBe(0);
    for (const flag of ['--no-decay', '--warmup-ratio', '--grad-accum', '--max-grad-norm', '--resume', '--dropout', '--scheduler', '--strategy', '--plugin']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toMatch(/freeze:layers=2/);
  });
});
