import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import type { Backend, BackendCapabilities } from './backend.js';
import { activateTfjsBackend } from './tfjs-backend.js';
import { registerWasmOverrides, type WasmKernelOverride } from './kernels/wasm/register.js';
// Node: tl's GEMM worker threads and tfjs's .wasm files from node_modules; browser bundles get
// wasm-platform.browser.ts instead (package.json "browser" field), so this file stays free of node:*.
import { defaultThreadCount, locateWasmBinaries, startThreads, type WasmThreads } from './wasm-platform.js';
import { TlError } from '../errors/tl-error.js';

export interface WasmBackendOptions {
  /**
   * Threads for matrix products, the calling one included (default: the `TL_WASM_THREADS`
   * environment variable, else in Node the machine's available parallelism, at most 8, and in a
   * browser 1; 1 turns workers off). In Node tl's GEMM splits across worker threads
   * (kernels/wasm/simd/gemm-threads.ts); in a browser the number goes to tfjs's threaded build,
   * which needs a cross-origin isolated page.
   */
  readonly threads?: number;
  /**
   * Which of tl's wasm kernel overrides to register (default: all). For measuring only: training
   * needs at least `UnsortedSegmentSum`, which tfjs-backend-wasm lacks.
   */
  readonly kernelOverrides?: readonly WasmKernelOverride[];
  /**
   * Where tfjs's `.wasm` binaries are served from (a URL prefix ending in `/`, or a folder in Node).
   * Default: in Node the installed package's dist; in a browser beside the page's script.
   */
  readonly wasmPaths?: string;
}

/**
 * The default backend: tfjs's WebAssembly (SIMD) backend, plus tl's own kernel overrides for what
 * tfjs-backend-wasm lacks or runs slowly in training (see kernels/wasm).
 */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  private threads: WasmThreads | undefined;
  constructor(private readonly options: WasmBackendOptions = {}) {}

  async init(): Promise<void> {
    if (this.options.wasmPaths !== undefined) tfWasm.setWasmPaths(this.options.wasmPaths);
    else locateWasmBinaries();
    const threads = this.threadCount();
    await this.threads?.stop();
    this.threads = await startThreads(threads);
    registerWasmOverrides(this.options.kernelOverrides);
    await activateTfjsBackend(this.name);
  }

  private threadCount(): number {
    if (this.options.threads !== undefined) return checkedThreads(this.options.threads, String(this.options.threads));
    const fromEnv = typeof process !== 'undefined' ? process.env?.['TL_WASM_THREADS'] : undefined;
    if (fromEnv) return checkedThreads(Number(fromEnv), `TL_WASM_THREADS=${fromEnv}`);
    return defaultThreadCount();
  }
  capabilities(): BackendCapabilities {
    return { device: 'cpu', float16: false, description: 'tfjs wasm (SIMD)' };
  }
  async dispose(): Promise<void> {
    await this.threads?.stop();
    this.threads = undefined;
  }
}

function checkedThreads(threads: number, given: string): number {
  if (!Number.isInteger(threads) || threads < 1) throw new TlError('BACKEND', `wasm backend: threads must be a positive integer, got ${given}`);
  return threads;
}
