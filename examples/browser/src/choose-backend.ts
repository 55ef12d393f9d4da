import { createEngine, type Engine } from '@tl/core';
import '@tl/backend-webgpu';

export interface Chosen {
  readonly engine: Engine;
  /** Why this backend: shown on the page. */
  readonly reason: string;
}

/**
 * WebGPU when the browser gives an adapter, else wasm. The rest of the page does not care which:
 * the choice is one `createEngine` argument. `wasmDir` is where build.mjs put tfjs's .wasm files.
 */
export async function chooseBackend(wasmDir: string): Promise<Chosen> {
  const wasm = () => createEngine({ backend: 'wasm', backendOptions: { wasmPaths: wasmDir } });
  const gpu = (navigator as Navigator & { gpu?: unknown }).gpu;
  if (!gpu) return { engine: await wasm(), reason: 'WebAssembly (this browser has no navigator.gpu)' };
  try {
    const engine = await createEngine({ backend: 'webgpu' });
    return { engine, reason: engine.backend.capabilities().description };
  } catch (e) {
    console.warn('webgpu unavailable, falling back to wasm:', e);
    return { engine: await wasm(), reason: `WebAssembly (WebGPU failed: ${(e as Error).message})` };
  }
}
