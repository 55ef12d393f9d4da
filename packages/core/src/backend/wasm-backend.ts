import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Backend, BackendCapabilities } from './backend.js';
import { activateTfjsBackend } from './tfjs-backend.js';
import { registerWasmOverrides, type WasmKernelOverride } from './kernels/wasm/register.js';

export interface WasmBackendOptions {
  /** Worker threads for the multi-threaded wasm build (Node runs the SIMD single-thread build). */
  readonly threads?: number;
  /**
   * Which of tl's wasm kernel overrides to register (default: all). For measuring only: training
   * needs at least `UnsortedSegmentSum`, which tfjs-backend-wasm lacks.
   */
  readonly kernelOverrides?: readonly WasmKernelOverride[];
}

/**
 * The default backend: tfjs's WebAssembly (SIMD) backend, plus tl's own kernel overrides for what
 * tfjs-backend-wasm lacks or runs slowly in training (see kernels/wasm).
 */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  constructor(private readonly options: WasmBackendOptions = {}) {}

  async init(): Promise<void> {
    if (typeof process !== 'undefined' && process.versions?.node) {
      // In Node the .wasm files sit beside the package's dist; tfjs would otherwise fetch() them.
      const require = createRequire(import.meta.url);
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      tfWasm.setWasmPaths(join(dist, "/"), false);
    }
    if (this.options.threads) tfWasm.setThreadsCount(this.options.threads);
    registerWasmOverrides(this.options.kernelOverrides);
    await activateTfjsBackend(this.name);
  }
  capabilities(): BackendCapabilities {
    return { device: 'cpu', float16: false, description: 'tfjs wasm (SIMD)' };
  }
  async dispose(): Promise<void> {}
}
