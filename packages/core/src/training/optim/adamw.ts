import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../../errors/tl-error.js';
import { hasAdamWKernel, runAdamWKernel } from './adamw-kernel.js';
import { hasAdamWMultiKernel, runAdamWMultiKernel, type AdamWMultiUpdate } from './adamw-multi-kernel.js';

export interface AdamWOptions {
  /** (beta1, beta2), torch default (0.9, 0.999). */
  readonly betas?: readonly [number, number];
  /** Added after the square root of the bias-corrected second moment; torch default 1e-8. */
  readonly eps?: number;
  /**
   * Use the active backend's fused `TL_ADAMW_UPDATE` kernel when it registers one (default true);
   * false always runs the op sequence (to measure or compare the two).
   */
  readonly useKernel?: boolean;
  /**
   * Update all parameters in one call of the backend's multi-tensor `TL_ADAMW_UPDATE_MULTI` kernel
   * when it registers one (default true), as torch's `foreach=True`; false calls the per-parameter
   * kernel once per parameter. Same results either way; only the number of kernel calls differs.
   */
  readonly foreach?: boolean;
}

/** One group of parameters as the optimizer sees it for one step. */
export interface OptimizerGroup {
  readonly name: string;
  /** Parameters by HF name. */
  readonly params: ReadonlyArray<{ readonly name: string; readonly variable: tf.Variable }>;
  /** The learning rate this step (scheduled lr × the group's lrScale). */
  readonly lr: number;
  readonly weightDecay: number;
  /** A frozen group is skipped entirely: no update, no decay, no optimizer state. */
  readonly trainable: boolean;
}

/** One parameter's update in one step: its tensors (the moments are live state) and its settings. */
interface PlannedUpdate extends AdamWMultiUpdate {
  readonly param: tf.Variable;
  readonly expAvg: tf.Variable;
  readonly expAvgSq: tf.Variable;
  /** The state the update advances when it is written back (its step becomes `step`). */
  readonly state: ParamState;
}

/** Per-parameter AdamW state, as torch keeps it (`step`, `exp_avg`, `exp_avg_sq`). */
interface ParamState {
  step: number;
  readonly expAvg: tf.Variable;
  readonly expAvgSq: tf.Variable;
}

/** The serialisable part of the optimizer: tensors by `<param>.exp_avg` / `<param>.exp_avg_sq`, steps in JSON. */
export interface AdamWStateDict {
  readonly betas: readonly [number, number];
  readonly eps: number;
  /** Per-parameter step counts (torch keeps one per parameter). */
  readonly steps: Readonly<Record<string, number>>;
  /** Views of the live moment tensors: read them, do not dispose them. */
  readonly tensors: ReadonlyMap<string, tf.Tensor>;
}

/**
 * AdamW with torch's semantics (`torch.optim.AdamW`, `_single_tensor_adamw`), per parameter with grad g:
 *
 *     step += 1
 *     g *= grad_scale                                 # the clip coefficient, 1 without clipping
 *     p *= 1 - lr * weight_decay                      # decoupled decay, before the Adam update
 *     m = lerp(m, g, 1 - beta1)
 *     v = beta2 * v + (1 - beta2) * g * g
 *     denom = sqrt(v) / sqrt(1 - beta2^step) + eps    # eps after the bias-corrected sqrt
 *     p -= lr / (1 - beta1^step) * m / denom
 *
 * Parameters without a gradient this step are left alone (torch skips `grad is None`), state is created
 * lazily at a parameter's first update (so a group unfrozen later starts fresh), and every update runs
 * in a `tidy` and is written back with `assign`, so the tensor count is the same after every step.
 * On a backend that registers the fused `TL_ADAMW_UPDATE` kernel (adamw-kernel.ts), each update is
 * that one kernel instead of the op sequence; on one that registers `TL_ADAMW_UPDATE_MULTI`
 * (adamw-multi-kernel.ts), the whole step is one kernel call.
 */
export class AdamW {
  readonly betas: readonly [number, number];
  readonly eps: number;
  private readonly useKernel: boolean;
  private readonly foreach: boolean;
  private readonly state = new Map<string, ParamState>();

  constructor(options: AdamWOptions = {}) {
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.useKernel = options.useKernel ?? true;
    this.foreach = options.foreach ?? true;
    const [b1, b2] = this.betas;
    if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) {
      throw new TlError('TRAINING', `AdamW: betas must lie in [0, 1), got (${b1}, ${b2})`);
    }
    if (!(this.eps >= 0)) throw new TlError('TRAINING', `AdamW: eps must be >= 0, got ${this.eps}`);
  }

  /**
   * Applies one update to every trainable parameter that has a gradient in `grads` (keyed by name).
   * `gradScale` multiplies every gradient first (float32), as clipping by global norm does: the
   * Trainer passes its clip coefficient here rather than rewriting each gradient, which on a backend
   * with the fused kernel saves a kernel launch per parameter.
   */
  step(groups: readonly OptimizerGroup[], grads: ReadonlyMap<string, tf.Tensor>, options: { gradScale?: number } = {}): void {
    const gradScale = Math.fround(options.gradScale ?? 1);
    const planned = this.plan(groups, grads);
    if (planned.length === 0) return;
    const [beta1, beta2] = this.betas;
    if (this.useKernel && this.foreach && hasAdamWMultiKernel()) {
      const results = runAdamWMultiKernel(planned, { beta1, beta2, eps: this.eps, gradScale });
      planned.forEach((u, i) => this.commit(u, results[i]!));
      return;
    }
    const fused = this.useKernel && hasAdamWKernel();
    for (const u of planned) {
      const { param, grad, expAvg, expAvgSq, lr, weightDecay, step } = u;
      const result = fused
        ? runAdamWKernel({ param, grad, expAvg, expAvgSq }, { lr, weightDecay, step, beta1, beta2, eps: this.eps, gradScale })
        : this.composed(u, gradScale);
      this.commit(u, result);
    }
  }

  /**
   * Every update of this step, in group order: each trainable parameter with a gradient, its state
   * created on first use, at its next step count (the state advances when the update is written
   * back). Shapes are checked for all before any parameter is touched, so a bad gradient changes
   * nothing.
   */
  private plan(groups: readonly OptimizerGroup[], grads: ReadonlyMap<string, tf.Tensor>): PlannedUpdate[] {
    const found: Array<{ name: string; variable: tf.Variable; grad: tf.Tensor; group: OptimizerGroup }> = [];
    for (const group of groups) {
      if (!group.trainable) continue;
      for (const { name, variable } of group.params) {
        const grad = grads.get(name);
        if (grad === undefined) continue;
        if (!tf.util.arraysEqual(variable.shape, grad.shape)) {
          throw new TlError(
            'TRAINING',
            `AdamW: gradient of ${name} has shape [${grad.shape.join(', ')}] but the parameter is [${variable.shape.join(', ')}]`,
          );
        }
        found.push({ name, variable, grad, group });
      }
    }
    return found.map(({ name, variable, grad, group }) => {
      const state = this.stateFor(name, variable);
      return { param: variable, grad, expAvg: state.expAvg, expAvgSq: state.expAvgSq, lr: group.lr, weightDecay: group.weightDecay, step: state.step + 1, state };
    });
  }

  /** torch's update as tfjs ops, for backends without the fused kernels. */
  private composed(u: PlannedUpdate, gradScale: number): [tf.Tensor, tf.Tensor, tf.Tensor] {
    const [beta1, beta2] = this.betas;
    const { grad, lr, weightDecay } = u;
    return tf.tidy(() => {
      const g = gradScale === 1 ? grad : tf.mul(grad, gradScale);
      const stepSize = lr / (1 - beta1 ** u.step);
      const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** u.step);
      const decayed = weightDecay !== 0 ? tf.mul(u.param, 1 - lr * weightDecay) : u.param;
      const m = lerp(u.expAvg, g, 1 - beta1);
      const v = tf.add(tf.mul(u.expAvgSq, beta2), tf.mul(tf.mul(g, g), 1 - beta2));
      const denom = tf.add(tf.div(tf.sqrt(v), biasCorrection2Sqrt), this.eps);
      const p = tf.add(decayed, tf.mul(tf.div(m, denom), -stepSize));
      return [p, m, v];
    });
  }

  /** Writes an update's results into the parameter and its moments, frees them, and advances the step. */
  private commit(u: PlannedUpdate, [p, m, v]: [tf.Tensor, tf.Tensor, tf.Tensor]): void {
    u.param.assign(p);
    u.expAvg.assign(m);
    u.expAvgSq.assign(v);
    tf.dispose([p, m, v]);
    u.state.step = u.step;
  }

  private stateFor(name: string, param: tf.Variable): ParamState {
    let s = this.state.get(name);
    if (!s) {
      s = {
        step: 0,
        expAvg: ownedVariable(tf.zerosLike(param), `${name}.exp_avg`),
        expAvgSq: ownedVariable(tf.zerosLike(param), `${name}.exp_avg_sq`),
      };
      this.state.set(name, s);
    }
    return s;
  }

  /** Current per-parameter step count (0 before the first update). */
  stepOf(name: string): number {
    return this.state.get(name)?.step ?? 0;
  }

  /** Number of parameters with optimizer state (frozen ones have none). */
  get stateSize(): number {
    return this.state.size;
  }

  stateDict(): AdamWStateDict {
    const steps: Record<string, number> = {};
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, s] of this.state) {
      steps[name] = s.step;
      tensors.set(`${name}.exp_avg`, s.expAvg);
      tensors.set(`${name}.exp_avg_sq`, s.expAvgSq);
    }
    return { betas: this.betas, eps: this.eps, steps, tensors };
  }

  /**
   * Replaces the state with a saved one. The tensors are copied (the caller keeps ownership);
   * shapes are checked against the live parameters so a checkpoint of another model is refused.
   */
  loadStateDict(saved: Pick<AdamWStateDict, 'steps' | 'tensors'>, params: ReadonlyMap<string, tf.Variable>): void {
    const next = new Map<string, ParamState>();
    try {
      for (const [name, step] of Object.entries(saved.steps)) {
        const param = params.get(name);
        if (!param) throw new TlError('CHECKPOINT', `optimizer state names ${name}, which the model does not have`);
        const moments = (['exp_avg', 'exp_avg_sq'] as const).map((kind) => {
          const t = saved.tensors.get(`${name}.${kind}`);
          if (!t) throw new TlError('CHECKPOINT', `optimizer state lacks tensor ${name}.${kind}`);
          if (!tf.util.arraysEqual(t.shape, param.shape)) {
            throw new TlError(
              'CHECKPOINT',
              `optimizer tensor ${name}.${kind} has shape [${t.shape.join(', ')}] but the parameter is [${param.shape.join(', ')}]`,
            );
          }
          return t;
        });
        next.set(name, {
          step,
          expAvg: ownedVariable(tf.tidy(() => tf.cast(moments[0]!, 'float32').clone()), `${name}.exp_avg`),
          expAvgSq: ownedVariable(tf.tidy(() => tf.cast(moments[1]!, 'float32').clone()), `${name}.exp_avg_sq`),
        });
      }
    } catch (e) {
      for (const s of next.values()) tf.dispose([s.expAvg, s.expAvgSq]);
      throw e;
    }
    this.dispose();
    for (const [k, s] of next) this.state.set(k, s);
  }

  dispose(): void {
    for (const s of this.state.values()) tf.dispose([s.expAvg, s.expAvgSq]);
    this.state.clear();
  }
}

/** torch.lerp's two forms (it switches at weight 0.5 for accuracy); beta1 = 0.9 takes the first. */
function lerp(start: tf.Tensor, end: tf.Tensor, weight: number): tf.Tensor {
  return weight < 0.5
    ? tf.add(start, tf.mul(tf.sub(end, start), weight))
    : tf.sub(end, tf.mul(tf.sub(end, start), 1 - weight));
}

/**
 * A non-trainable variable holding `init`'s value. `tf.variable` shares the initial tensor's data
 * rather than taking the handle, so the handle is disposed here or it would count as a leak.
 * Names get a counter: variable names are global in the tfjs engine, and two optimizers over
 * same-named parameters must not clash.
 */
function ownedVariable(init: tf.Tensor, name: string): tf.Variable {
  const v = tf.variable(init, false, `${name}#opt${nextId++}`);
  init.dispose();
  return v;
}
let nextId = 0;
