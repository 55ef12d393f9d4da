import { TL_ATTENTION_SOFTMAX, TL_ATTENTION_SOFTMAX_BACKWARD } from '@tl/core';
import { input, type TorchKernel } from '../kernel.js';
import { finiteNumber } from './attrs.js';

/**
 * @tl/core's TL_ATTENTION_SOFTMAX and its backward (contract: core's nn/attention-softmax-kernel.ts):
 * softmax(scale·scores + mask) as the scaled scores, the mask added in place and at::softmax, and
 * scale · _softmax_backward_data (native/fused.cc) — one call each way where core's composition
 * calls 3 tfjs kernels forward and 5 backward. Core registers the gradient.
 */
export const attentionSoftmaxKernels: TorchKernel[] = [
  {
    name: TL_ATTENTION_SOFTMAX,
    run: (args) => {
      const b = args.backend;
      b.addon.attentionSoftmax(b.handle(input(args, 'scores')), b.handle(input(args, 'maskBias')), finiteNumber(args.attrs['scale'], 'scale'));
      return b.output();
    },
  },
  {
    name: TL_ATTENTION_SOFTMAX_BACKWARD,
    run: (args) => {
      const b = args.backend;
      b.addon.attentionSoftmaxBackward(b.handle(input(args, 'dy')), b.handle(input(args, 'y')), finiteNumber(args.attrs['scale'], 'scale'));
      return b.output();
    },
  },
];
