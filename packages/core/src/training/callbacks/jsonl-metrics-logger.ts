import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Callback, type CheckpointContext, type EvaluationContext, type HookContext, type StepContext } from '../callback.js';
import type { StepFields } from './step-throughput.js';

/**
 * Writes metrics as JSON lines: one per optimizer step `{"step","loss","lr","epoch","grad_norm"}`
 * (plus `"skipped": true` for a skipped step; NaN is written as null) and one per evaluation
 * `{"step","epoch","eval_loss",...}`, placed after the train line of the same step. Each line is
 * appended with one synchronous write, so a crash never leaves half a line. A fresh run truncates
 * the file; a resumed run keeps the lines up to the checkpoint's step and drops those written after
 * it, so the file of a resumed run reads like that of an uninterrupted one.
 */
export class JsonlMetricsLogger extends Callback {
  readonly name: string;
  private pendingEval: string[] = [];
  private inStep = false;
  private resumed = false;

  private readonly fields: readonly StepFields[];

  /** `fields` add their values to every step line (e.g. `stepThroughput`'s samples and tokens per second). */
  constructor(
    readonly path: string,
    options: { name?: string; fields?: readonly StepFields[] } = {},
  ) {
    super();
    this.name = options.name ?? 'jsonl-metrics-logger';
    this.fields = options.fields ?? [];
  }

  override onLoad(ctx: CheckpointContext): void {
    this.resumed = true;
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return; // nothing logged before: nothing to trim
    }
    const kept = text.split('\n').filter((line) => {
      if (line.trim() === '') return false;
      try {
        const step = (JSON.parse(line) as { step?: unknown }).step;
        return typeof step !== 'number' || step <= ctx.state.step;
      } catch {
        return false; // a torn last line from a crash
      }
    });
    writeFileSync(this.path, kept.map((l) => `${l}\n`).join(''));
  }

  override onTrainStart(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    if (!this.resumed) writeFileSync(this.path, '');
  }

  override onStepStart(): void {
    this.inStep = true;
  }

  override onEvaluate(ctx: EvaluationContext): void {
    const line = JSON.stringify({ step: ctx.state.step, epoch: round(ctx.state.epoch), ...ctx.metrics });
    if (this.inStep) this.pendingEval.push(line);
    else this.write(line);
  }

  override onStepEnd(ctx: StepContext): void {
    this.inStep = false;
    this.write(
      JSON.stringify({
        step: ctx.state.step,
        loss: ctx.loss ?? null,
        lr: ctx.learningRates?.[0] ?? null,
        epoch: round(ctx.state.epoch),
        grad_norm: ctx.gradNorm ?? null,
        ...(ctx.skipped && { skipped: true }),
        ...Object.assign({}, ...this.fields.map((f) => f(ctx))),
      }),
    );
    for (const line of this.pendingEval) this.write(line);
    this.pendingEval = [];
  }

  override onTrainEnd(_ctx: HookContext): void {
    for (const line of this.pendingEval) this.write(line);
    this.pendingEval = [];
    this.inStep = false;
    this.resumed = false;
  }

  private write(line: string): void {
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, `${line}\n`);
  }
}

/** Epochs as fractions print as 0.3333333333333333; 4 decimals are plenty (HF rounds to 2). */
function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
