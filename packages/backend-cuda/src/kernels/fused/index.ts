import { adamwKernel } from './adamw.js';
import { dropoutKernel } from './dropout.js';
import { geluKernels } from './gelu.js';
import { layerNormKernels } from './layer-norm.js';
import type { TorchKernel } from '../kernel.js';

/**
 * The kernels of @tl/core's fused-kernel contracts (TL_ADAMW_UPDATE, TL_DROPOUT, TL_LAYER_NORM(+_BACKWARD),
 * TL_GELU(+_BACKWARD)): core's AdamW, dropout, LayerNorm and GELU call them whenever the active backend
 * registers them, and compose tfjs ops otherwise. Their gradients are registered by core.
 */
export const FUSED_KERNELS: readonly TorchKernel[] = [adamwKernel, dropoutKernel, ...layerNormKernels, ...geluKernels];
