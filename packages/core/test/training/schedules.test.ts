import { describe, expect, it } from 'vitest';
import { scheduleLambda, type ScheduleOptions } from '../../src/training/schedule/lr-lambdas.js';
import { LrScheduler } from '../../src/training/schedule/lr-scheduler.js';

const at = (o: ScheduleOptions, steps: number[]) => {
  const f = scheduleLambda(o);
  return steps.map((s) => f(s));
};
const close = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 12));

describe('learning-rate schedules (HF get_scheduler semantics)', () => {
  it('linear warmup starts at lr 0 on the first step, as the bert-cls trajectory fixture', () => {
    // trajectory.json: lr 5e-3, warmup 2, total 6 → lrs [0, .0025, .005, .00375, .0025, .00125]
    const s = new LrScheduler(scheduleLambda({ name: 'linear', numTrainingSteps: 6, numWarmupSteps: 2 }), 5e-3);
    const lrs: number[] = [];
    for (let i = 0; i < 6; i++) {
      lrs.push(s.lrs([1])[0]!);
      s.advance();
    }
    close(lrs, [0, 0.0025, 0.005, 0.00375, 0.0025, 0.00125]);
    expect(s.lrs([1, 0.5])).toEqual([0, 0]); // step 6 of 6: linear has reached 0
  });

  it('constant and constant_with_warmup', () => {
    close(at({ name: 'constant', numTrainingSteps: 10, numWarmupSteps: 3 }, [0, 5, 20]), [1, 1, 1]);
    close(at({ name: 'constant_with_warmup', numTrainingSteps: 10, numWarmupSteps: 4 }, [0, 1, 3, 4, 9]), [0, 0.25, 0.75, 1, 1]);
  });

  it('cosine: half-cosine after warmup (HF num_cycles 0.5)', () => {
    // warmup 2, total 10: progress = (s-2)/8; 0.5(1+cos(pi·progress))
    const want = [0, 0.5, 1, 0.5 * (1 + Math.cos(Math.PI / 8)), 0.5 * (1 + Math.cos(Math.PI / 2)), 0.5 * (1 + Math.cos((Math.PI * 7) / 8)), 0];
    close(at({ name: 'cosine', numTrainingSteps: 10, numWarmupSteps: 2 }, [0, 1, 2, 3, 6, 9, 10]), want);
  });

  it('cosine_with_restarts: hard restarts, 0 at the end', () => {
    // no warmup, total 8, 2 cycles: progress = s/8; 0.5(1+cos(pi·((2·progress) % 1)))
    const f = (s: number) => 0.5 * (1 + Math.cos(Math.PI * ((2 * (s / 8)) % 1)));
    close(at({ name: 'cosine_with_restarts', numTrainingSteps: 8, numCycles: 2 }, [0, 2, 3, 4, 5, 8]), [f(0), f(2), f(3), 1, f(5), 0]);
  });

  it('polynomial: decays to lrEnd/lrInit and stays there', () => {
    // lr_init 1e-3, lr_end 1e-4, power 2, warmup 1, total 5: s=3 → pct_remaining = 1 - 2/4 = 0.5
    const o: ScheduleOptions = { name: 'polynomial', numTrainingSteps: 5, numWarmupSteps: 1, lrInit: 1e-3, lrEnd: 1e-4, power: 2 };
    const want3 = ((1e-3 - 1e-4) * 0.25 + 1e-4) / 1e-3;
    close(at(o, [0, 1, 3, 5, 9]), [0, 1, want3, 0.1, 0.1]);
    expect(() => scheduleLambda({ ...o, lrEnd: 1e-3 })).toThrow(/lrEnd .* must be smaller/);
  });

  it('inverse_sqrt: 1/sqrt((s + shift)/timescale) after warmup', () => {
    close(at({ name: 'inverse_sqrt', numTrainingSteps: 100, numWarmupSteps: 4 }, [0, 2, 4, 12]), [0, 0.5, 1, 1 / Math.sqrt(12 / 4)]);
  });

  it('slanted triangular (ULMFiT): rises for cut_frac of the steps, then falls to lr/ratio', () => {
    // T = 100, cut_frac 0.1, ratio 32: cut = 10; p = t/10 before, 1 - (t-10)/90 after.
    const f = (p: number) => (1 + p * 31) / 32;
    close(at({ name: 'slanted_triangular', numTrainingSteps: 100 }, [0, 5, 10, 55, 100, 150]), [f(0), f(0.5), 1, f(0.5), f(0), f(0)]);
  });

  it('round-trips its step through a state dict', () => {
    const a = new LrScheduler(scheduleLambda({ name: 'linear', numTrainingSteps: 10, numWarmupSteps: 3 }), 1);
    for (let i = 0; i < 4; i++) a.advance();
    const b = new LrScheduler(scheduleLambda({ name: 'linear', numTrainingSteps: 10, numWarmupSteps: 3 }), 1);
    b.loadStateDict(a.stateDict());
    expect(b.factor()).toBe(a.factor());
    expect(() => b.loadStateDict({ step: -1 })).toThrow(/step must be an integer >= 0/);
  });
});
