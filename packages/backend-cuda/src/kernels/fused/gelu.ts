import { TL_GELU, TL_GELU_BACKWARD } from '@tl/core';
import { input, type TorchKernel } from '../kernel.js';

/**
 * @tl/core's TL_GELU and TL_GELU_BACKWARD (contract: core's nn/gelu-kernel.ts): the exact erf GELU
 * as at::gelu(x, "none") and at::gelu_backward (native/fused.cc). Core registers the gradient.
 */
export const geluKernels: TorchKernel[] = [
  {
    name: TL_GELU,
    run: (args) => {
      const b = args.backend;
      b.addon.gelu(b.handle(input(args, 'x')));
      return b.output();
    },
  },
  {
    name: TL_GELU_BACKWARD,
    run: (args) => {
      const b = args.backend;
      b.addon.geluBackward(b.handle(input(args, 'dy')), b.handle(input(args, 'x')));
      return b.output();
    },
  },
];
