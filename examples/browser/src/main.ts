import { Callback, fromUrl, tokenizerCollator, Trainer, type Example, type GradientContext, type StepContext } from '@tl/core';
import { chooseBackend } from './choose-backend.js';

/**
 * Fine-tunes an HF BERT checkpoint in the tab with tl itself: `fromUrl` fetches the folder
 * (config.json, model.safetensors, tokenizer.json) into core's own BertForSequenceClassification,
 * its tokenizer encodes the examples, and core's Trainer (AdamW with torch semantics, HF linear
 * schedule, clipping) runs the steps — on WebGPU where the browser offers it, else on wasm.
 *
 * The default folder is the repository's test/fixtures/hf-tiny/bert-cls, whose trajectory.json holds
 * six torch AdamW steps on three examples: the page trains with those settings and shows HF's loss
 * beside each of its own. `@tl/core` resolves to core's browser entry in the bundle (the "browser"
 * export condition): nothing here needs Node.
 */

/** The fixture's three text pairs (test/fixtures/hf-tiny/README.md), labels from reference.json. */
const TEXTS: ReadonlyArray<readonly [string, string]> = [
  ['The quick brown fox jumps over the lazy dog.', 'A second segment.'],
  ['Permission is hereby granted, free of charge, to any person obtaining a copy!', 'Licensor grants You a license.'],
  ['Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>', 'Naïve café — déjà vu?'],
];
const MAX_LENGTH = 56;

interface Reference {
  inputs: { input_ids: number[][] };
  labels: number[];
  loss: number;
}

/** trajectory.json: the torch run the page repeats. */
interface Trajectory {
  lr: number;
  weight_decay: number;
  warmup_steps: number;
  total_steps: number;
  max_grad_norm: number;
  losses: number[];
  lrs: number[];
}

export interface PageResult {
  readonly backend: string;
  readonly reason: string;
  /** HF's loss of the checkpoint on these inputs (reference.json): the first step must give it. */
  readonly referenceLoss: number;
  /** HF's loss at each step of the same run (trajectory.json). */
  readonly hfLosses: number[];
  readonly losses: number[];
  readonly learningRates: number[];
  readonly gradNorms: number[];
  readonly msPerStep: number[];
  /** The tokenizer's ids for the three pairs equal the ids HF's tokenizer produced (reference.json). */
  readonly tokenizationMatchesHf: boolean;
  readonly error?: string;
}

declare global {
  interface Window {
    __tl?: PageResult;
  }
}

const MODEL = new URLSearchParams(location.search).get('model') ?? './model/';

const $ = (id: string): HTMLElement => document.getElementById(id)!;

async function fetchJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

/** Records each optimizer step and adds a table row as it ends. */
class StepTable extends Callback {
  readonly name = 'step-table';
  readonly losses: number[] = [];
  readonly learningRates: number[] = [];
  readonly gradNorms: number[] = [];
  readonly msPerStep: number[] = [];
  private started = 0;

  constructor(private readonly hfLosses: readonly number[]) {
    super();
  }

  override onStepStart(): void {
    this.started = performance.now();
  }

  override onAfterBackward(ctx: GradientContext): void {
    this.gradNorms.push(ctx.gradNorm);
  }

  override async onStepEnd(ctx: StepContext): Promise<void> {
    const ms = performance.now() - this.started;
    const loss = ctx.loss!;
    const lr = ctx.learningRates![0]!;
    this.losses.push(loss);
    this.learningRates.push(lr);
    this.msPerStep.push(ms);
    const hf = this.hfLosses[ctx.state.step - 1];
    const row = document.createElement('tr');
    row.innerHTML =
      `<td>${ctx.state.step}</td><td>${loss.toFixed(5)}</td><td>${hf?.toFixed(5) ?? '—'}</td>` +
      `<td>${hf === undefined ? '—' : Math.abs(loss - hf).toExponential(1)}</td><td>${lr.toExponential(2)}</td><td>${ms.toFixed(0)}</td>`;
    $('steps').appendChild(row);
    // Let the page paint the row before the next step (a wasm step never yields on its own).
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

async function main(): Promise<void> {
  const { engine, reason } = await chooseBackend('./');
  const backend = engine.backend.name;
  $('backend').textContent = `Backend: ${backend} — ${reason}`;
  $('backend').className = backend;

  const [{ model, tokenizer, report }, ref, traj] = await Promise.all([
    fromUrl(MODEL, { dropout: 0 }),
    fetchJson<Reference>(`${MODEL}reference.json`),
    fetchJson<Trajectory>(`${MODEL}trajectory.json`),
  ]);
  const examples: Example[] = TEXTS.map(([text, textPair], i) => ({ text, textPair, label: ref.labels[i]! }));
  const collator = tokenizerCollator(tokenizer, { maxLength: MAX_LENGTH });
  const tokenizationMatchesHf = examples.every((e, i) => {
    const ids = collator.encoded(e).inputIds;
    return JSON.stringify(ids) === JSON.stringify(ref.inputs.input_ids[i]!.slice(0, ids.length));
  });
  const config = model.config as { num_hidden_layers?: number; hidden_size?: number };
  $('model').textContent =
    `${MODEL}: ${model.config['architectures']} (${config.num_hidden_layers} layers, hidden ${config.hidden_size}), ` +
    `${model.parameters.names().length} tensors loaded${report.missing.length ? `, ${report.missing.length} new` : ''}; ` +
    `${examples.length} examples tokenized by its tokenizer.json${tokenizationMatchesHf ? ' (ids equal HF’s)' : ' (ids DIFFER from HF’s)'}; ` +
    `AdamW lr ${traj.lr}, weight decay ${traj.weight_decay}, linear warmup ${traj.warmup_steps} of ${traj.total_steps} steps, clip ${traj.max_grad_norm}`;

  const table = new StepTable(traj.losses);
  const trainer = new Trainer({
    model,
    collator,
    // trajectory.json's run: decay on every parameter, one batch of all three, in order.
    args: {
      learningRate: traj.lr,
      weightDecay: traj.weight_decay,
      noDecay: [],
      warmupSteps: traj.warmup_steps,
      maxSteps: traj.total_steps,
      maxGradNorm: traj.max_grad_norm,
      batchSize: examples.length,
      shuffle: false,
    },
    callbacks: [table],
  });
  await trainer.fit(examples);
  trainer.dispose();
  model.dispose();

  const { losses } = table;
  $('status').textContent =
    `Done: loss ${losses[0]!.toFixed(4)} → ${losses.at(-1)!.toFixed(4)} in ${losses.length} Trainer steps ` +
    `(HF reference for the first step: ${ref.loss.toFixed(4)}).`;
  $('status').className = 'done';
  window.__tl = {
    backend,
    reason,
    referenceLoss: ref.loss,
    hfLosses: traj.losses,
    losses,
    learningRates: table.learningRates,
    gradNorms: table.gradNorms,
    msPerStep: table.msPerStep,
    tokenizationMatchesHf,
  };
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  console.error(e);
  $('status').textContent = `Error: ${message}`;
  $('status').className = 'error';
  window.__tl = {
    backend: 'none',
    reason: '',
    referenceLoss: NaN,
    hfLosses: [],
    losses: [],
    learningRates: [],
    gradNorms: [],
    msPerStep: [],
    tokenizationMatchesHf: false,
    error: message,
  };
});
