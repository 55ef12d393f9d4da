import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../../src/engine/create-engine.js';
import { fromPretrained } from '../../src/pretrained/from-pretrained.js';
import { tokenizerCollator } from '../../src/data/collate/tokenizer-collator.js';
import { disposeBatch } from '../../src/data/collate/collator.js';
import { Trainer } from '../../src/training/trainer.js';
import { Callback, type GradientContext, type StepContext } from '../../src/training/callback.js';

const dir = fileURLToPath(new URL('../../../../test/fixtures/hf-tiny/bert-cls/', import.meta.url));

interface Trajectory {
  lr: number;
  weight_decay: number;
  warmup_steps: number;
  total_steps: number;
  max_grad_norm: number;
  losses: number[];
  lrs: number[];
  grad_norms_before_clip: number[];
  final_logits: { shape: number[]; data: number[] };
}

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
});

/**
 * The Trainer against torch: bert-cls/trajectory.json is six HF/torch AdamW steps (linear warmup from
 * lr 0, clipping at 1.0, weight decay on every parameter, dropout off) on the fixture's three pairs.
 */
describe('Trainer on the real BERT fixture', () => {
  it('reproduces the torch trajectory: losses, lrs, gradient norms and final logits', async () => {
    const traj = JSON.parse(readFileSync(`${dir}trajectory.json`, 'utf8')) as Trajectory;
    const ref = JSON.parse(readFileSync(`${dir}reference.json`, 'utf8')) as { inputs: { input_ids: number[][] }; labels: number[] };
    const { model, tokenizer } = await fromPretrained(dir, { dropout: 0 });
    const texts = [
      ['The quick brown fox jumps over the lazy dog.', 'A second segment.'],
      ['Permission is hereby granted, free of charge, to any person obtaining a copy!', 'Licensor grants You a license.'],
      ['Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>', 'Naïve café — déjà vu?'],
    ] as const;
    const examples = texts.map(([text, textPair], i) => ({ text, textPair, label: ref.labels[i]! }));
    const collator = tokenizerCollator(tokenizer, { maxLength: 56 });
    // The collator's unpadded encodings are the fixture's rows without their padding.
    examples.forEach((e, i) => expect(collator.encoded(e).inputIds).toEqual(ref.inputs.input_ids[i]!.filter((_, j) => j < collator.lengthOf(e))));

    const losses: number[] = [];
    const lrs: number[] = [];
    const norms: number[] = [];
    class Probe extends Callback {
      readonly name = 'probe';
      override onAfterBackward(ctx: GradientContext) {
        norms.push(ctx.gradNorm);
      }
      override onStepEnd(ctx: StepContext) {
        losses.push(ctx.loss!);
        lrs.push(ctx.learningRates![0]!);
      }
    }
    const trainer = new Trainer({
      model,
      collator,
      args: {
        learningRate: traj.lr,
        weightDecay: traj.weight_decay,
        noDecay: [],
        warmupSteps: traj.warmup_steps,
        maxSteps: traj.total_steps,
        maxGradNorm: traj.max_grad_norm,
        batchSize: 3,
        shuffle: false,
      },
      callbacks: [new Probe()],
    });
    await trainer.fit(examples);
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(traj.lrs[i]!, 12));
    losses.forEach((l, i) => expect(Math.abs(l - traj.losses[i]!)).toBeLessThan(5e-6));
    norms.forEach((n, i) => expect(Math.abs(n - traj.grad_norms_before_clip[i]!)).toBeLessThan(1e-5 * traj.grad_norms_before_clip[i]!));

    const batch = collator.collate(examples);
    const logits = model.forward(batch.inputs).logits!;
    const got = Array.from(logits.dataSync());
    got.forEach((v, i) => expect(Math.abs(v - traj.final_logits.data[i]!)).toBeLessThan(2e-5));
    logits.dispose();
    disposeBatch(batch);
    trainer.dispose();
    model.dispose();
  });
});
