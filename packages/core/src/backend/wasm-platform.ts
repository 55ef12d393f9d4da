import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { GemmThreads } from './kernels/wasm/simd/gemm-threads.js';
import { setGemmThreads } from './kernels/wasm/simd/simd-module.js';

/**
 * What the wasm backend does differently in Node. Browser bundles get wasm-platform.browser.ts in
 * this file's place (package.json "browser" field), so nothing here — node:* modules, worker
 * threads — reaches a page.
 */

/** Threads to use when neither the option nor TL_WASM_THREADS says: the cores, at most 8. */
export function defaultThreadCount(): number {
  return Math.min(8, availableParallelism());
}

/** Points tfjs at its .wasm files, which sit beside the package's dist (tfjs would otherwise fetch() them). */
export function locateWasmBinaries(): void {
  const require = createRequire(import.meta.url);
  tfWasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'), false);
}

/** Running threads for matrix products; `stop` ends them. */
export interface WasmThreads {
  stop(): Promise<void>;
}

/**
 * tl's SIMD GEMM split across `threads - 1` worker threads (kernels/wasm/simd/gemm-threads.ts):
 * tfjs runs its single-threaded build in Node, so the threads are tl's own.
 */
export async function startThreads(threads: number): Promise<WasmThreads> {
  const pool = await GemmThreads.start(threads);
  setGemmThreads(pool);
  return {
    async stop() {
      setGemmThreads(undefined);
      await pool?.dispose();
    },
  };
}
