import { registerBackend } from '@tl/core';
import { WebGpuBackend } from './webgpu-backend.js';

export { WebGpuBackend, type WebGpuAdapterReport } from './webgpu-backend.js';
export { parseWebGpuOptions, DAWN_BACKENDS, type DawnBackendName, type WebGpuBackendOptions } from './options.js';
export { registerWebGpuKernels, withTfjsKernels, withoutTlSpeedups } from './kernels/register.js';

// Importing the package makes `createEngine({ backend: 'webgpu' })` and `--backend webgpu` work.
registerBackend({ name: 'webgpu', create: (options) => new WebGpuBackend(options) });
