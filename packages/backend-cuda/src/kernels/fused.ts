import { registerGradient, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { attr, input, type TorchKernel } from './kernel.js';

/**
 * Kernels tfjs has no name for, registered on the libtorch backends only. tl code may use them when
 * `tf.getKernel(name, tf.getBackend())` exists and fall back to plain tfjs ops otherwise:
 *
 *   tf.engine().runKernel('TlDropout', { x }, { rate, seed })              → x · mask / (1 − rate)
 *   tf.engine().runKernel('TlAdamW', { param, grad, expAvg, expAvgSq },
 *                         { lr, beta1, beta2, eps, weightDecay, step })     → [param, expAvg, expAvgSq]
 *
 * TlDropout draws its mask on the device from a generator seeded with `seed` (tfjs's `tf.dropout`
 * draws it in JavaScript); the same seed gives the same mask on the same device, so a step replays
 * exactly. TlAdamW is torch.optim.AdamW's update op for op (decoupled weight decay, bias corrections).
 */
export const TL_DROPOUT = 'TlDropout';
export const TL_ADAMW = 'TlAdamW';

export const FUSED_KERNELS: TorchKernel[] = [
  {
    name: TL_DROPOUT,
    run: (args) => {
      const b = args.backend;
      const rate = attr<number>(args.attrs, 'rate');
      if (!(rate >= 0 && rate < 1)) throw new Error(`rate must lie in [0, 1), got ${rate}`);
      b.addon.dropout(b.handle(input(args, 'x')), rate, attr<number>(args.attrs, 'seed') ?? 0);
      return b.output();
    },
  },
  {
    name: TL_ADAMW,
    run: (args) => {
      const b = args.backend;
      const a = args.attrs;
      b.addon.adamW(
        b.handle(input(args, 'param')),
        b.handle(input(args, 'grad')),
        b.handle(input(args, 'expAvg')),
        b.handle(input(args, 'expAvgSq')),
        attr<number>(a, 'lr'),
        attr<number>(a, 'beta1') ?? 0.9,
        attr<number>(a, 'beta2') ?? 0.999,
        attr<number>(a, 'eps') ?? 1e-8,
        attr<number>(a, 'weightDecay') ?? 0,
        attr<number>(a, 'step'),
      );
      return b.outputs();
    },
  },
];

let gradientsRegistered = false;

/** Dropout's gradient is dropout of dy with the same mask — the same kernel with the same seed. */
export function registerFusedGradients(): void {
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  registerGradient({
    kernelName: TL_DROPOUT,
    gradFunc: (dy: Tensor | Tensor[], _saved: Tensor[], attrs: NamedAttrMap) => ({
      x: () => tf.engine().runKernel(TL_DROPOUT, { x: dy as Tensor }, attrs) as Tensor,
    }),
  });
}
