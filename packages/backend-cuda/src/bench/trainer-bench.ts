/**
 * Throughput and kernel counts of @tl/core's real fine-tuning step on the active tfjs backend:
 * `buildModel` from an HF BERT config, `PaddingCollator`, `Trainer.fit` (dropout, clipping at 1.0,
 * linear schedule with warmup, AdamW with weight decay), batch × seq of pre-tokenized random ids (the
 * tokenizer is not measured). Used by scripts/trainer-profile.mjs and the GPU device check; not part
 * of the package's API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel, Callback, PaddingCollator, StepTimer, Trainer } from '@tl/core';
import { profileHost, type HostProfile } from './host-profile.js';

/**
 * layers, hidden, heads, intermediate of the benchmark shapes (bench/shapes.mjs, bench/torch_anchor.py),
 * and `micro`: a BERT too small for its arithmetic to matter (with a small `vocab`), so that a step's
 * time over its kernel count is the host's cost per kernel call.
 */
export const BERT_SHAPES = {
  micro: [2, 16, 2, 32],
  tiny: [2, 128, 2, 512],
  mini: [4, 256, 4, 1024],
  small: [4, 512, 8, 2048],
  base: [12, 768, 12, 3072],
} as const;
export type BertShapeName = keyof typeof BERT_SHAPES;

export interface TrainerBenchOptions {
  readonly shape: BertShapeName;
  /** Timed steps, after one untimed warm-up step. */
  readonly steps: number;
  readonly batch?: number;
  readonly seq?: number;
  /** hidden and attention dropout (HF default 0.1). */
  readonly dropout?: number;
  /** Vocabulary size (default 30522, BERT's). */
  readonly vocab?: number;
  /** Also count the kernels of one step (two more steps through tf.profile, the second counted). */
  readonly countKernels?: boolean;
  /**
   * Also profile the host (V8's sampling profiler) over two more steps through a fresh Trainer; the
   * names are the addon's native functions, so their self time is told apart.
   */
  readonly profileHost?: { readonly nativeNames: readonly string[] };
}

export interface TrainerBenchResult {
  readonly shape: BertShapeName;
  readonly batch: number;
  readonly seq: number;
  readonly dropout: number;
  readonly steps: number;
  readonly msPerStep: number;
  readonly samplesPerSecond: number;
  /** Process CPU time (all threads) per step over warm-up and timed steps. */
  readonly cpuMsPerStep: number;
  readonly firstStepMs: number;
  readonly losses: number[];
  /** The engine's tensor count was the same after every timed step (no leak). */
  readonly tensorsFlat: boolean;
  readonly kernelCallsPerStep?: number;
  /** Kernel names by calls in the counted step, most first. */
  readonly kernelCalls?: Record<string, number>;
  /** Host time of two steps by layer (profileHost); `profile` is the raw .cpuprofile data. */
  readonly hostProfile?: HostProfile;
  readonly loadavg: number[];
}

function bertConfig(shape: BertShapeName, dropout: number, vocab: number): Record<string, unknown> {
  const [layers, hidden, heads, intermediate] = BERT_SHAPES[shape];
  return {
    architectures: ['BertForSequenceClassification'],
    model_type: 'bert',
    vocab_size: vocab,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    hidden_act: 'gelu',
    hidden_dropout_prob: dropout,
    attention_probs_dropout_prob: dropout,
    layer_norm_eps: 1e-12,
    initializer_range: 0.02,
    pad_token_id: 0,
    num_hidden_layers: layers,
    hidden_size: hidden,
    num_attention_heads: heads,
    intermediate_size: intermediate,
  };
}

/** How many kernels the running tf.profile had recorded when each step ended (tfjs engine internals). */
class KernelMarks extends Callback {
  readonly name = 'trainer-bench-kernel-marks';
  readonly counts: number[] = [];
  override onStepEnd(): void {
    const state = tf.engine().state as unknown as { activeProfile: { kernels: unknown[] } };
    this.counts.push(state.activeProfile.kernels.length);
  }
}

export async function benchTrainer(o: TrainerBenchOptions): Promise<TrainerBenchResult> {
  const batch = o.batch ?? 32;
  const seq = o.seq ?? 128;
  const dropout = o.dropout ?? 0.1;
  const vocab = o.vocab ?? 30522;
  // seed 1, not 0: core's Initializer derives tfjs seeds as seed·7919 + n, and tfjs takes seed 0 as
  // "unseeded" (Math.random), which would make the first tensor differ run to run.
  const model = buildModel(bertConfig(o.shape, dropout, vocab), { seed: 1 });
  let s = 777;
  const next = (n: number): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
  const encodings = new Map<string, { inputIds: number[]; tokenTypeIds: number[] }>();
  const examples = Array.from({ length: batch * (o.steps + 5) }, (_, i) => {
    const text = `example ${i}`;
    const inputIds = Array.from({ length: seq }, () => 1 + next(vocab - 1));
    encodings.set(text, { inputIds, tokenTypeIds: inputIds.map((_, t) => (t >= seq / 2 ? 1 : 0)) });
    return { text, label: i % 2 };
  });
  const collator = new PaddingCollator({ encode: (text) => encodings.get(text)!, padTokenId: 0 });
  const outputDir = mkdtempSync(join(tmpdir(), 'tl-trainer-bench-'));
  const args = { outputDir, batchSize: batch, learningRate: 2e-5, weightDecay: 0.01, warmupSteps: 1, maxGradNorm: 1.0, shuffle: false };
  const clock = new StepTimer();
  const trainer = new Trainer({ model, collator, callbacks: [clock], args: { ...args, maxSteps: o.steps + 1 } });
  try {
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    await trainer.fit(examples.slice(0, batch * (o.steps + 1)));
    const cpu = process.cpuUsage(cpu0);
    const msPerStep = clock.msPerStep;
    let kernelCallsPerStep: number | undefined;
    let kernelCalls: Record<string, number> | undefined;
    if (o.countKernels) {
      // Through a fresh Trainer on the same, warm model; its first step also creates AdamW's moments
      // (2 ZerosLike per parameter), so the second step is the one counted.
      const marks = new KernelMarks();
      const twice = new Trainer({ model, collator, callbacks: [marks], args: { ...args, maxSteps: 2 } });
      try {
        const info = await tf.profile(async () => void (await twice.fit(examples.slice(batch * (o.steps + 1)))));
        const counted = info.kernels.slice(marks.counts[0], marks.counts[1]);
        kernelCallsPerStep = counted.length;
        const byName = new Map<string, number>();
        for (const k of counted) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
        kernelCalls = Object.fromEntries([...byName].sort((a, b) => b[1] - a[1]));
      } finally {
        twice.dispose();
      }
    }
    let hostProfile: HostProfile | undefined;
    if (o.profileHost) {
      const twice = new Trainer({ model, collator, args: { ...args, maxSteps: 2 } });
      try {
        hostProfile = await profileHost(() => twice.fit(examples.slice(batch * (o.steps + 3))), o.profileHost.nativeNames);
      } finally {
        twice.dispose();
      }
    }
    return {
      shape: o.shape,
      batch,
      seq,
      dropout,
      steps: o.steps,
      msPerStep,
      samplesPerSecond: (1000 * batch) / msPerStep,
      cpuMsPerStep: (cpu.user + cpu.system) / 1000 / (o.steps + 1),
      firstStepMs: clock.ends[0]! - start,
      losses: clock.losses,
      tensorsFlat: clock.tensorsFlat,
      kernelCallsPerStep,
      kernelCalls,
      hostProfile,
      loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    };
  } finally {
    trainer.dispose();
    model.dispose();
    rmSync(outputDir, { recursive: true, force: true });
  }
}
