import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, fromPretrained } from '@tl/core';
import { REPO_ROOT, runTl, tempDir } from '../support/cli.js';

/** A tiny BERT (hidden 32, 2 layers) so the test trains in seconds. */
const TINY_CONFIG = {
  model_type: 'bert',
  vocab_size: 160,
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 64,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 64,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
};

/** Sentences from a small grammar: predictable enough that a masked LM learns them within ~100 steps. */
function corpus(n: number, offset = 0): string[] {
  const who = ['the cat', 'a dog', 'the bird', 'my friend', 'the teacher', 'a farmer'];
  const did = ['sees', 'likes', 'follows', 'finds', 'helps', 'watches'];
  const what = ['the red ball', 'a green apple', 'the old house', 'a small boat', 'the blue car', 'a tall tree'];
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    return `${who[i % 6]} ${did[(i * 5 + 1) % 6]} ${what[(i * 7 + 2) % 6]} in the morning .`;
  });
}

interface Line {
  step: number;
  loss?: number;
  eval_loss?: number;
}
/** metrics.jsonl without the timing fields (samples/tokens per second), which no two runs share. */
const lines = (dir: string): Line[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const { samples_per_second: _s, tokens_per_second: _t, ...rest } = JSON.parse(l) as Line & Record<string, unknown>;
      return rest as Line;
    });

describe('tl pretrain', () => {
  let work: string;
  let config: string;
  let train: string;
  let heldOut: string;
  beforeAll(async () => {
    await createEngine({ backend: 'cpu' });
    work = tempDir('tl-pretrain-');
    config = join(work, 'config.json');
    writeFileSync(config, JSON.stringify(TINY_CONFIG));
    train = join(work, 'corpus.txt');
    writeFileSync(train, corpus(400).join('\n') + '\n');
    heldOut = join(work, 'eval.jsonl');
    writeFileSync(heldOut, corpus(40, 1000).map((text) => JSON.stringify({ text })).join('\n') + '\n');
  });

  it('trains a tokenizer and a masked LM from a config: held-out MLM loss falls; the folder loads as masked-lm and as a classifier', async () => {
    const out = join(work, 'mlm');
    const r = await runTl([
      'pretrain', '--config', config, '--corpus', train, '--eval', heldOut, '--output-dir', out, '--backend', 'wasm',
      '--max-steps', '120', '--batch-size', '16', '--lr', '2e-3', '--warmup-ratio', '0.1', '--eval-strategy', 'steps', '--eval-steps', '20',
      '--vocab-size', '160', '--seed', '3',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const evals = lines(out).filter((l) => l.eval_loss !== undefined).map((l) => l.eval_loss!);
    expect(evals).toHaveLength(6);
    // Untrained, the loss is about ln(vocab); the grammar's words become predictable.
    expect(evals[0]!).toBeGreaterThan(3);
    expect(evals.at(-1)!).toBeLessThan(evals[0]! - 1);
    expect(evals.at(-1)!).toBeLessThan(0.6 * Math.log(TINY_CONFIG.vocab_size));

    const saved = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(saved['architectures']).toEqual(['BertForMaskedLM']);
    const mlm = await fromPretrained(out, { task: 'masked-lm' });
    expect(mlm.report.missing).toEqual([]);
    expect(mlm.tokenizer.specialTokenIds.mask).toBeDefined();
    expect(mlm.model.encoderConfig.vocabSize).toBe(mlm.tokenizer.vocabSize);
    mlm.model.dispose();
    const cls = await fromPretrained(out, { task: 'sequence-classification', id2label: { 0: 'a', 1: 'b' } });
    expect(cls.report.missing.every((n) => n.startsWith('classifier.') || n.startsWith('bert.pooler.'))).toBe(true);
    cls.model.dispose();

    // ... and `tl finetune` starts from it.
    const ft = join(work, 'ft.jsonl');
    writeFileSync(ft, corpus(8).map((text, i) => JSON.stringify({ text, label: i % 2 })).join('\n') + '\n');
    const f = await runTl(['finetune', '--model', out, '--train', ft, '--output-dir', join(work, 'cls'), '--max-steps', '2', '--batch-size', '4']);
    expect(f.status, f.stderr).toBe(0);
  });

  it('--pack: a corpus of several files in blocks of --max-length; tokens/s and held-out masked-token accuracy logged; loss falls', async () => {
    const out = join(work, 'packed');
    const second = join(work, 'second.txt');
    writeFileSync(second, corpus(200, 500).join('\n') + '\n');
    const r = await runTl([
      'pretrain', '--config', config, '--corpus', train, '--corpus', second, '--eval', heldOut, '--pack', '--max-length', '32',
      '--output-dir', out, '--backend', 'wasm', '--max-steps', '60', '--batch-size', '16', '--lr', '2e-3', '--warmup-ratio', '0.1',
      '--eval-strategy', 'steps', '--eval-steps', '20', '--vocab-size', '160', '--seed', '3',
    ]);
    expect(r.status, r.stderr).toBe(0);
    // 600 sentences of 13-14 tokens with [CLS]/[SEP]: ~8 000 tokens, so ~250 blocks of 32, none padded.
    const packed = /packed .*corpus\.txt, .*second\.txt: 600 texts, (\d+) tokens into (\d+) blocks of 32 \((\d+) left over\)/.exec(r.stderr);
    expect(packed, r.stderr).not.toBeNull();
    const [tokens, blocks, left] = packed!.slice(1).map(Number) as [number, number, number];
    expect(blocks * 32 + left).toBe(tokens);
    expect(left).toBeLessThan(32);
    const all = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line & Record<string, number>);
    const steps = all.filter((l) => l.loss !== undefined);
    expect(steps).toHaveLength(60);
    // Every step is 16 full blocks: tokens/s is exactly 32 × samples/s (both rounded to 0.01).
    for (const l of steps) expect(Math.abs(l['tokens_per_second']! - 32 * l['samples_per_second']!)).toBeLessThan(0.5);
    const evals = all.filter((l) => l.eval_loss !== undefined);
    expect(evals).toHaveLength(3);
    expect(evals.at(-1)!.eval_loss!).toBeLessThan(evals[0]!.eval_loss! - 0.5);
    expect(evals.at(-1)!['eval_accuracy']!).toBeGreaterThan(evals[0]!['eval_accuracy']!);
    expect(evals.at(-1)!['eval_accuracy']!).toBeGreaterThan(0.2);
    expect(r.stderr).toMatch(/eval masked-token accuracy \d+\.\d%/);
  });

  it('--resume continues bit-identically: masks depend on (seed, step) only (whole-word masking, cpu)', async () => {
    const full = join(work, 'full');
    const flags = ['--config', config, '--corpus', train, '--max-steps', '6', '--batch-size', '8', '--lr', '1e-3', '--vocab-size', '160', '--whole-word-mask', '--backend', 'cpu', '--save-steps', '3'];
    const first = await runTl(['pretrain', ...flags, '--output-dir', full]);
    expect(first.status, first.stderr).toBe(0);
    const resumed = join(work, 'resumed');
    mkdirSync(resumed);
    cpSync(join(full, 'checkpoint-3'), join(resumed, 'checkpoint-3'), { recursive: true });
    writeFileSync(join(resumed, 'metrics.jsonl'), readFileSync(join(full, 'metrics.jsonl'), 'utf8').split('\n').slice(0, 3).join('\n') + '\n');
    const r = await runTl(['pretrain', ...flags, '--output-dir', resumed, '--resume']);
    expect(r.status, r.stderr).toBe(0);
    expect(lines(resumed)).toEqual(lines(full));
    expect(readFileSync(join(resumed, 'model.safetensors')).equals(readFileSync(join(full, 'model.safetensors')))).toBe(true);
  });

  it('the committed recipe config (examples/pretrain/bert-small.config.json) builds and trains', async () => {
    const out = join(work, 'recipe');
    const r = await runTl(['pretrain', '--config', join(REPO_ROOT, 'examples', 'pretrain', 'bert-small.config.json'), '--corpus', train, '--output-dir', out, '--max-steps', '2', '--batch-size', '8', '--vocab-size', '300', '--max-length', '32']);
    expect(r.status, r.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({ architectures: ['BertForMaskedLM'], hidden_size: 128, num_hidden_layers: 2 });
  });

  it('errors name the problem: both --config and --model, a JSONL line without the text field', async () => {
    const both = await runTl(['pretrain', '--config', config, '--model', work, '--corpus', train, '--output-dir', join(work, 'x')]);
    expect(both.status).not.toBe(0);
    expect(both.stderr).toMatch(/cannot be used with|exactly one/);
    const bad = join(work, 'bad.jsonl');
    writeFileSync(bad, '{"text": "fine"}\n{"body": "no text"}\n');
    const r = await runTl(['pretrain', '--config', config, '--corpus', bad, '--output-dir', join(work, 'y')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/bad\.jsonl:2: "text" must be a string.*fields: body/);
  });
});
