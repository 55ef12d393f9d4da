import { TL_LAYER_NORM, TL_LAYER_NORM_BACKWARD, TL_LAYER_NORM_GAMMA_GRAD } from '@tl/core';
import { attr, input, type TorchKernel } from '../kernel.js';

/**
 * @tl/core's TL_LAYER_NORM, TL_LAYER_NORM_BACKWARD and TL_LAYER_NORM_GAMMA_GRAD (contract: core's
 * nn/layer-norm-kernel.ts): LayerNorm over the last axis as at::native_layer_norm, its dx as
 * at::native_layer_norm_backward, and dgamma as Σ dy · x̂ with at::sum (native/fused.cc). Core
 * registers the gradient that uses them.
 */
export const layerNormKernels: TorchKernel[] = [
  {
    name: TL_LAYER_NORM,
    run: (args) => {
      const b = args.backend;
      b.addon.layerNorm(b.handle(input(args, 'x')), b.handle(input(args, 'gamma')), b.handle(input(args, 'beta')), attr<number>(args.attrs, 'eps'));
      return b.output();
    },
  },
  {
    name: TL_LAYER_NORM_BACKWARD,
    run: (args) => {
      const b = args.backend;
      b.addon.layerNormBackward(b.handle(input(args, 'dy')), b.handle(input(args, 'x')), b.handle(input(args, 'gamma')), attr<number>(args.attrs, 'eps'));
      return b.output();
    },
  },
  {
    name: TL_LAYER_NORM_GAMMA_GRAD,
    run: (args) => {
      const b = args.backend;
      b.addon.layerNormGammaGrad(b.handle(input(args, 'dy')), b.handle(input(args, 'x')), b.handle(input(args, 'gamma')), attr<number>(args.attrs, 'eps'));
      return b.output();
    },
  },
];
