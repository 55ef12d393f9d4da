import { getKernel, registerKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { isTlError, TlError } from '@tl/core';
import type { TorchAddon } from '../native/addon.js';
import { CREATION_KERNELS } from './creation.js';
import { elementwiseKernels } from './elementwise.js';
import { FUSED_KERNELS, registerFusedGradients } from './fused.js';
import { INDEXING_KERNELS } from './indexing.js';
import type { TorchKernel, TorchKernelArgs } from './kernel.js';
import { LINALG_KERNELS } from './linalg.js';
import { REDUCE_KERNELS } from './reduce.js';
import { SHAPE_KERNELS } from './shape.js';

/** Every kernel this backend implements (the unary/binary ones come from the addon's op tables). */
export function torchKernels(addon: TorchAddon): TorchKernel[] {
  return [
    ...elementwiseKernels(addon),
    ...REDUCE_KERNELS,
    ...LINALG_KERNELS,
    ...SHAPE_KERNELS,
    ...INDEXING_KERNELS,
    ...CREATION_KERNELS,
    ...FUSED_KERNELS,
  ];
}

/**
 * Registers the kernels for one tfjs backend name (idempotent). A failure inside a kernel becomes
 * TlError('KERNEL') naming the kernel, the backend and the input shapes; a kernel that is not
 * here fails in tfjs's engine with "Kernel 'Name' not registered for backend '…'".
 */
export function registerTorchKernels(backendName: string, addon: TorchAddon): string[] {
  const names: string[] = [];
  registerFusedGradients();
  for (const kernel of torchKernels(addon)) {
    names.push(kernel.name);
    if (getKernel(kernel.name, backendName)) continue;
    registerKernel({ kernelName: kernel.name, backendName, kernelFunc: guarded(kernel, backendName) });
  }
  return names;
}

function guarded(kernel: TorchKernel, backendName: string): KernelFunc {
  const run = kernel.run;
  return ((args: TorchKernelArgs) => {
    try {
      return run(args);
    } catch (e) {
      if (isTlError(e)) throw e;
      const shapes = Object.values(args.inputs as Record<string, TensorInfo>)
        .map((t) => (t ? `${t.dtype}[${t.shape.join(',')}]` : 'null'))
        .join(', ');
      throw new TlError('KERNEL', `${kernel.name} on ${backendName} (inputs ${shapes}): ${(e as Error).message}`, { cause: e });
    }
  }) as unknown as KernelFunc;
}
