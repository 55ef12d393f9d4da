import { adamwKernel } from './adamw.js';
import { adamwMultiKernel } from './adamw-multi.js';
import { attentionSoftmaxKernels } from './attention-softmax.js';
import { dropoutKernel } from './dropout.js';
import { geluKernels } from './gelu.js';
import { globalNormKernel } from './global-norm.js';
import { layerNormKernels } from './layer-norm.js';
import type { TorchKernel } from '../kernel.js';

/**
 * The kernels of @tl/core's fused-kernel contracts (TL_ADAMW_UPDATE(_MULTI), TL_GLOBAL_NORM,
 * TL_DROPOUT, TL_LAYER_NORM(+_BACKWARD, _GAMMA_GRAD), TL_GELU(+_BACKWARD),
 * TL_ATTENTION_SOFTMAX(+_BACKWARD)): core's AdamW, gradient clipping, dropout, LayerNorm, GELU and
 * attention call them whenever the active backend registers them, and compose tfjs ops otherwise.
 * Their gradients are registered by core.
 */
export const FUSED_KERNELS: readonly TorchKernel[] = [
  adamwKernel,
  adamwMultiKernel,
  globalNormKernel,
  dropoutKernel,
  ...layerNormKernels,
  ...geluKernels,
  ...attentionSoftmaxKernels,
];
