/**
 * Hooking into training: a callback that logs gradient norms per layer after every backward pass,
 * and one that stops training when the loss plateaus. Run it:
 *
 *   pnpm --filter @tl/examples hooks
 *
 * Callbacks are plain classes: override the hooks you need (see Callback in @tl/core), keep your
 * state in fields, and expose it through stateDict() so a resumed run picks it up.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Callback, createEngine, fromPretrained, tokenizerCollator, Trainer, type GradientContext, type StepContext } from '@tl/core';

/** Gradient L2 norm of each layer group (embeddings, encoder layer i, head), once per optimizer step. */
export class LayerGradNormLogger extends Callback {
  readonly name = 'layer-grad-norms';
  readonly history: { step: number; norms: Record<string, number> }[] = [];

  constructor(private readonly log: (line: string) => void = (line) => process.stdout.write(line + '\n')) {
    super();
  }

  override onAfterBackward(ctx: GradientContext): void {
    const squares = new Map<string, number>();
    for (const [name, grad] of ctx.gradients) {
      const depth = ctx.model.depthOf(name);
      const group = typeof depth === 'number' ? `layer.${depth}` : depth;
      const sq = tf.tidy(() => tf.sum(tf.square(grad)).dataSync()[0]!);
      squares.set(group, (squares.get(group) ?? 0) + sq);
    }
    const norms = Object.fromEntries([...squares].map(([g, sq]) => [g, Math.sqrt(sq)]));
    const step = ctx.state.step + 1;
    this.history.push({ step, norms });
    this.log(JSON.stringify({ step, grad_norms: norms }));
  }
}

/** Stops when the loss has not improved by `minDelta` for `patience` consecutive steps. */
export class StopOnPlateau extends Callback {
  readonly name = 'stop-on-plateau';
  private best = Infinity;
  private stale = 0;

  constructor(private readonly patience = 3, private readonly minDelta = 1e-4) {
    super();
  }

  override onStepEnd(ctx: StepContext): void {
    const loss = ctx.loss;
    if (loss === undefined || Number.isNaN(loss)) return;
    if (loss < this.best - this.minDelta) {
      this.best = loss;
      this.stale = 0;
    } else if (++this.stale >= this.patience) {
      ctx.control.stop(`loss plateaued at ${this.best.toFixed(4)} for ${this.patience} steps`);
    }
  }

  override stateDict(): Record<string, unknown> {
    return { best: this.best, stale: this.stale };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.best = state['best'] as number;
    this.stale = state['stale'] as number;
  }
}

/** Fine-tunes a checkpoint on a few examples with both callbacks attached. */
export async function main(modelDir: string, options: { learningRate?: number; maxSteps?: number; log?: (line: string) => void } = {}) {
  await createEngine();
  const { model, tokenizer } = await fromPretrained(modelDir, { task: 'sequence-classification', dropout: 0 });
  const examples = [
    { text: 'The quick brown fox jumps over the lazy dog.', label: 0 },
    { text: 'Permission is hereby granted, free of charge.', label: 1 },
    { text: 'Copyright (C) 2007 Free Software Foundation.', label: 2 },
  ];
  const gradLogger = new LayerGradNormLogger(options.log);
  const plateau = new StopOnPlateau(3);
  const trainer = new Trainer({
    model,
    collator: tokenizerCollator(tokenizer, { maxLength: 32 }),
    args: { learningRate: options.learningRate ?? 1e-3, maxSteps: options.maxSteps ?? 20, batchSize: 3, shuffle: false, outputDir: 'tl-output/hooks-example' },
    callbacks: [gradLogger, plateau],
  });
  const result = await trainer.fit(examples);
  trainer.dispose();
  model.dispose();
  return { result, gradLogger };
}

// Run directly: `tsx examples/hooks.ts [model-dir]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? new URL('../test/fixtures/hf-tiny/bert-cls', import.meta.url).pathname;
  const { result } = await main(dir);
  console.log(JSON.stringify({ steps: result.steps, stoppedEarly: result.stoppedEarly, reason: result.stopReason }));
}
