import { TlError } from '../../errors/tl-error.js';

/** The schedules of HF `get_scheduler`, plus ULMFiT's slanted triangular learning rate. */
export const SCHEDULER_NAMES = [
  'constant',
  'constant_with_warmup',
  'linear',
  'cosine',
  'cosine_with_restarts',
  'polynomial',
  'inverse_sqrt',
  'slanted_triangular',
] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

export interface ScheduleOptions {
  readonly name: SchedulerName;
  /** Total optimizer steps of the run (HF `num_training_steps`). */
  readonly numTrainingSteps: number;
  readonly numWarmupSteps?: number;
  /** cosine: number of cosine waves (HF default 0.5: one half-cosine down to 0); cosine_with_restarts: number of hard restarts (default 1). */
  readonly numCycles?: number;
  /** polynomial: the power of the decay (HF default 1.0). */
  readonly power?: number;
  /** polynomial: the final lr (HF default 1e-7). */
  readonly lrEnd?: number;
  /** polynomial: the initial lr (HF reads it from the optimizer's default lr). */
  readonly lrInit?: number;
  /** inverse_sqrt: HF default `numWarmupSteps || 10_000`. */
  readonly timescale?: number;
  /** slanted_triangular: fraction of steps spent increasing the lr (ULMFiT default 0.1). */
  readonly cutFrac?: number;
  /** slanted_triangular: how much smaller the lowest lr is than the maximum (ULMFiT default 32). */
  readonly ratio?: number;
}

/** A learning-rate multiplier as a function of the step index (0 for the first optimizer step). */
export type LrLambda = (step: number) => number;

/**
 * The multiplier functions exactly as HF's `transformers.optimization` defines them for `LambdaLR`,
 * which evaluates them at step 0 for the first optimizer step: linear warmup therefore gives lr 0 on
 * the first step. The Trainer multiplies the result by the base lr and each group's lrScale.
 */
export function scheduleLambda(o: ScheduleOptions): LrLambda {
  const total = o.numTrainingSteps;
  const warmup = o.numWarmupSteps ?? 0;
  if (!Number.isInteger(total) || total < 0) throw new TlError('CONFIG', `schedule ${o.name}: numTrainingSteps must be an integer >= 0, got ${total}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new TlError('CONFIG', `schedule ${o.name}: numWarmupSteps must be an integer >= 0, got ${warmup}`);
  const warm = (step: number): number => step / Math.max(1, warmup);

  switch (o.name) {
    case 'constant':
      return () => 1;
    case 'constant_with_warmup':
      return (step) => (step < warmup ? warm(step) : 1);
    case 'linear':
      return (step) => (step < warmup ? warm(step) : Math.max(0, (total - step) / Math.max(1, total - warmup)));
    case 'cosine': {
      const cycles = o.numCycles ?? 0.5;
      return (step) => {
        if (step < warmup) return warm(step);
        const progress = (step - warmup) / Math.max(1, total - warmup);
        return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * cycles * 2 * progress)));
      };
    }
    case 'cosine_with_restarts': {
      const cycles = o.numCycles ?? 1;
      return (step) => {
        if (step < warmup) return warm(step);
        const progress = (step - warmup) / Math.max(1, total - warmup);
        if (progress >= 1) return 0;
        return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * ((cycles * progress) % 1))));
      };
    }
    case 'polynomial': {
      const lrEnd = o.lrEnd ?? 1e-7;
      const power = o.power ?? 1;
      const lrInit = o.lrInit;
      if (lrInit === undefined) throw new TlError('CONFIG', 'schedule polynomial: lrInit (the base learning rate) is required');
      if (!(lrInit > lrEnd)) throw new TlError('CONFIG', `schedule polynomial: lrEnd (${lrEnd}) must be smaller than the initial lr (${lrInit})`);
      return (step) => {
        if (step < warmup) return warm(step);
        if (step > total) return lrEnd / lrInit;
        const remaining = 1 - (step - warmup) / (total - warmup);
        return ((lrInit - lrEnd) * remaining ** power + lrEnd) / lrInit;
      };
    }
    case 'inverse_sqrt': {
      const timescale = o.timescale ?? (warmup || 10_000);
      const shift = timescale - warmup;
      return (step) => (step < warmup ? warm(step) : 1 / Math.sqrt((step + shift) / timescale));
    }
    case 'slanted_triangular': {
      // Howard & Ruder 2018, eq. 3: cut = floor(T·cut_frac); p rises linearly to 1 at `cut`, then falls
      // over cut·(1/cut_frac − 1) steps; lr = lr_max·(1 + p(ratio − 1))/ratio. p is clamped at 0 so
      // steps past T stay at lr_max/ratio.
      const cutFrac = o.cutFrac ?? 0.1;
      const ratio = o.ratio ?? 32;
      if (!(cutFrac > 0 && cutFrac < 1)) throw new TlError('CONFIG', `schedule slanted_triangular: cutFrac must lie in (0, 1), got ${cutFrac}`);
      if (!(ratio >= 1)) throw new TlError('CONFIG', `schedule slanted_triangular: ratio must be >= 1, got ${ratio}`);
      const cut = Math.floor(total * cutFrac);
      const fall = cut * (1 / cutFrac - 1);
      return (step) => {
        const p = step < cut ? step / cut : Math.max(0, 1 - (step - cut) / Math.max(1, fall));
        return (1 + p * (ratio - 1)) / ratio;
      };
    }
  }
}
