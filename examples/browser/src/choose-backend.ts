import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createEngine, type Engine } from '@tl/core';
import '@tl/backend-webgpu';

export interface Chosen {
  readonly engine: Engine;
  /** Why this backend: shown on the page. */
  readonly reason: string;
}

/**
 * WebGPU when the browser gives an adapter, else wasm. The rest of the page does not care which:
 * the choice is one `createEngine` argument.
 */
export async function chooseBackend(wasmDir: string): Promise<Chosen> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu) {
    try {
      const engine = await createEngine({ backend: 'webgpu' });
      return { engine, reason: engine.backend.capabilities().description };
    } catch (e) {
      console.warn('webgpu unavailable, falling back to wasm:', e);
      setWasmPaths(wasmDir);
      const engine = await createEngine({ backend: 'wasm' });
      return { engine, reason: `WebAssembly (WebGPU failed: ${(e as Error).message})` };
    }
  }
  setWasmPaths(wasmDir);
  const engine = await createEngine({ backend: 'wasm' });
  return { engine, reason: 'WebAssembly (this browser has no navigator.gpu)' };
}
