import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
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
    // tfjs-backend-cpu prints a banner recommending tfjs-node on its first write in Node; tl chose its
    // backends deliberately (DESIGN.md), so the banner would only be noise in CLI output.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  }
  capabilities(): BackendCapabilities {
    return { device: 'cpu', float16: false, description: 'tfjs cpu (pure JavaScript reference)' };
  }
  async dispose(): Promise<void> {}
}
