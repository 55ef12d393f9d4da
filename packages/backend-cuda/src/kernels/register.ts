import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { isTlError, TlError } from '@tl/core';
import type { TorchAddon } from '../native/addon.js';
import { CREATION_KERNELS } from './creation.js';
import { elementwiseKernels } from './elementwise.js';
import { FUSED_KERNELS } from './fused/index.js';
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
  for (const kernel of torchKernels(addon)) {
    names.push(kernel.name);
    const config = { kernelName: kernel.name, backendName, kernelFunc: guarded(kernel, backendName) };
    if (FUSED_KERNELS.includes(kernel)) fusedConfigs.set(`${backendName}/${kernel.name}`, config);
    if (getKernel(kernel.name, backendName)) continue;
    registerKernel(config);
  }
  return names;
}

/** The registrations of @tl/core's fused kernels, per backend, so `withoutTlKernels` can restore them. */
const fusedConfigs = new Map<string, KernelConfig>();

/**
 * Runs `fn` with @tl/core's fused kernels unregistered from every libtorch backend, so core composes
 * tfjs ops as on a backend without them; then registers them again. The "before" of an A/B (the
 * device check and scripts/trainer-profile.mjs use it). Not for concurrent use with other work.
 */
export async function withoutTlKernels<T>(fn: () => Promise<T> | T): Promise<T> {
  const removed: KernelConfig[] = [];
  for (const config of fusedConfigs.values()) {
    if (!getKernel(config.kernelName, config.backendName)) continue;
    unregisterKernel(config.kernelName, config.backendName);
    removed.push(config);
  }
  try {
    return await fn();
  } finally {
    for (const config of removed) if (!getKernel(config.kernelName, config.backendName)) registerKernel(config);
  }
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
