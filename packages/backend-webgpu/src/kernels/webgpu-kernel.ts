import { getKernel, type KernelConfig } from '@tensorflow/tfjs-core';

/**
 * The kernel registered for webgpu under `name` now (tl's replacement where there is one); an
 * error naming it where tfjs-backend-webgpu registers none (a version tl was not built against).
 */
export function webgpuKernel(name: string): KernelConfig {
  const k = getKernel(name, 'webgpu');
  if (!k) throw new Error(`tfjs-backend-webgpu registers no ${name} kernel (version mismatch?)`);
  return k;
}
