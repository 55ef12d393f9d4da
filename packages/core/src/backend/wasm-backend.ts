import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Backend, BackendCapabilities } from './backend.js';
import { activateTfjsBackend } from './tfjs-backend.js';
import { registerWasmOverrides, type WasmKernelOverride } from './kernels/wasm/register.js';
import { GemmThreads } from './kernels/wasm/simd/gemm-threads.js';
import { setGemmThreads } from './kernels/wasm/simd/simd-module.js';
import { TlError } from '../errors/tl-error.js';

const isNode = (): boolean => typeof process !== 'undefined' && Boolean(process.versions?.node);

export interface WasmBackendOptions {
  /**
   * Threads for matrix products, the calling one included (default: the `TL_WASM_THREADS`
   * environment variable, else the machine's available parallelism, at most 8; 1 turns workers
   * off). In Node tl's GEMM splits across worker threads (kernels/wasm/simd/gemm-threads.ts); in a
   * browser the number goes to tfjs's threaded build, which needs a cross-origin isolated page.
   */
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
  private gemmThreads: GemmThreads | undefined;
  constructor(private readonly options: WasmBackendOptions = {}) {}

  async init(): Promise<void> {
    if (isNode()) {
      // In Node the .wasm files sit beside the package's dist; tfjs would otherwise fetch() them.
      const require = createRequire(import.meta.url);
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      tfWasm.setWasmPaths(join(dist, "/"), false);
    }
    const threads = await this.threadCount();
    if (isNode()) {
      await this.gemmThreads?.dispose();
      this.gemmThreads = await GemmThreads.start(threads);
      setGemmThreads(this.gemmThreads);
    } else if (threads > 1) {
      tfWasm.setThreadsCount(threads);
    }
    registerWasmOverrides(this.options.kernelOverrides);
    await activateTfjsBackend(this.name);
  }

  private async threadCount(): Promise<number> {
    const fromEnv = typeof process !== 'undefined' ? process.env?.['TL_WASM_THREADS'] : undefined;
    const asked = this.options.threads ?? (fromEnv ? Number(fromEnv) : undefined);
    if (asked !== undefined) {
      if (!Number.isInteger(asked) || asked < 1) {
        throw new TlError('BACKEND', `wasm backend: threads must be a positive integer, got ${fromEnv !== undefined && this.options.threads === undefined ? `TL_WASM_THREADS=${fromEnv}` : asked}`);
      }
      return asked;
    }
    if (!isNode()) return 1;
    const os = await import('node:os');
    return Math.min(8, os.availableParallelism());
  }
  capabilities(): BackendCapabilities {
    return { device: 'cpu', float16: false, description: 'tfjs wasm (SIMD)' };
  }
  async dispose(): Promise<void> {
    if (this.gemmThreads) {
      setGemmThreads(undefined);
      await this.gemmThreads.dispose();
      this.gemmThreads = undefined;
    }
  }
}
