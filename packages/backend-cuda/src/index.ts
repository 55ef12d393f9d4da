/**
 * @tl/backend-cuda: a tfjs backend over libtorch, for NVIDIA GPUs (`cuda`) and the CPU
 * (`torch-cpu`). Importing this module registers both names in the @tl/core container, so
 * `createEngine({ backend: 'torch-cpu' })` and `--backend cuda` work.
 */
import { registerBackend } from '@tl/core';
import { CudaBackend, type CudaBackendOptions } from './backends/cuda-backend.js';
import { TorchCpuBackend, type TorchCpuBackendOptions } from './backends/torch-cpu-backend.js';

export { CudaBackend, type CudaBackendOptions } from './backends/cuda-backend.js';
export { TorchCpuBackend, type TorchCpuBackendOptions } from './backends/torch-cpu-backend.js';
export { TorchBackend, type TorchBackendOptions } from './torch-backend.js';
export { loadAddon, type TorchAddon, type LoadedAddon } from './native/addon.js';
export { registerTorchKernels, torchKernels, withoutTlKernels } from './kernels/register.js';

/** Reads an optional numeric option given on a command line (`--device 1` arrives as '1'). */
function numberOption(options: Record<string, unknown> | undefined, key: string): number | undefined {
  const v = options?.[key];
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'number' ? v : Number(v);
}

registerBackend({
  name: 'cuda',
  create: (o) =>
    new CudaBackend({
      device: numberOption(o, 'device'),
      autocast: o?.['autocast'] === 'bf16' ? 'bf16' : false,
      tf32: o?.['tf32'] === true || o?.['tf32'] === 'true',
    } satisfies CudaBackendOptions),
});
registerBackend({
  name: 'torch-cpu',
  create: (o) => new TorchCpuBackend({ threads: numberOption(o, 'threads') } satisfies TorchCpuBackendOptions),
});
