import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import type * as NodePlatform from './wasm-platform.js';

/**
 * The wasm backend's platform hooks in a browser: bundlers put this file in place of
 * wasm-platform.ts (package.json "browser" field). Same exports, checked at the bottom.
 */

/**
 * One thread unless asked: more need tfjs's threaded build, which only a cross-origin isolated page
 * (COOP/COEP headers) may run; a page that is can pass `threads`.
 */
export function defaultThreadCount(): number {
  return 1;
}

/**
 * Nothing to do: tfjs fetches its .wasm files from beside the page's script, or from where the page
 * said with `setWasmPaths` (or the backend's `wasmPaths` option).
 */
export function locateWasmBinaries(): void {}

export type WasmThreads = NodePlatform.WasmThreads;

/** tfjs's own threaded build does the splitting in a browser; it reads the count when it starts. */
export async function startThreads(threads: number): Promise<WasmThreads> {
  if (threads > 1) tfWasm.setThreadsCount(threads);
  return { async stop() {} };
}

// A compile-time check that this file can stand in for wasm-platform.ts (type-only import: erased).
void ({ defaultThreadCount, locateWasmBinaries, startThreads } satisfies typeof NodePlatform);
