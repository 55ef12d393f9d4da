import '@tensorflow/tfjs-backend-cpu';
import type { Backend, BackendCapabilities } from './backend.js';
import { activateTfjsBackend } from './tfjs-backend.js';
import { registerCpuOverrides } from './kernels/cpu/register.js';

/**
 * tfjs's pure-JS `cpu` backend: slow, but the reference every other backend's kernels are checked
 * against, and bitwise deterministic (resume tests rely on that).
 */
export class CpuBackend implements Backend {
  readonly name = 'cpu';
  async init(): Promise<void> {
    registerCpuOverrides();
    await activateTfjsBackend(this.name);
  }
  capabilities(): BackendCapabilities {
    return { device: 'cpu', float16: false, description: 'tfjs cpu (pure JavaScript reference)' };
  }
  async dispose(): Promise<void> {}
}
