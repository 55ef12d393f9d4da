import * as tf from '@tensorflow/tfjs-core';
import { TL_ADAMW } from '../kernels/fused.js';

/**
 * A minimal torch.optim.AdamW over the TlAdamW kernel: one tfjs op per parameter per step. The
 * benchmarks use it to measure what the fused update buys; tl's Trainer keeps @tl/core's AdamW (groups,
 * state dicts), which can call the same kernel when `tf.getKernel('TlAdamW', tf.getBackend())` exists.
 */
export class FusedAdamW {
  private step = 0;
  private readonly moments = new Map<string, [tf.Variable, tf.Variable]>();

  constructor(
    private readonly lr: number,
    private readonly weightDecay = 0.01,
    private readonly betas: readonly [number, number] = [0.9, 0.999],
    private readonly eps = 1e-8,
  ) {}

  /** One update of every parameter in `grads` (both keyed by the same names). */
  apply(params: Readonly<Record<string, tf.Variable>>, grads: tf.NamedTensorMap): void {
    this.step++;
    tf.tidy(() => {
      for (const [name, grad] of Object.entries(grads)) {
        const param = params[name];
        if (!param) throw new Error(`FusedAdamW: no parameter ${name}`);
        let state = this.moments.get(name);
        if (!state) {
          state = [tf.variable(tf.zerosLike(param), false), tf.variable(tf.zerosLike(param), false)];
          this.moments.set(name, state);
        }
        const [p, m, v] = tf.engine().runKernel(
          TL_ADAMW,
          { param, grad, expAvg: state[0], expAvgSq: state[1] },
          { lr: this.lr, weightDecay: this.weightDecay, beta1: this.betas[0], beta2: this.betas[1], eps: this.eps, step: this.step },
        ) as tf.Tensor[];
        param.assign(p!);
        state[0].assign(m!);
        state[1].assign(v!);
      }
    });
  }

  dispose(): void {
    for (const [m, v] of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }
}
