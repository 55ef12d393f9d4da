/// <reference types="@webgpu/types" />
import type { AdapterAttempt } from './adapter-attempt.js';
import { isGlBackend } from './adapter-attempt.js';

/**
 * Node only: Dawn's `GPU` from the `webgpu` package (its prebuilt dawn.node ships inside the npm
 * package). Browser bundles map this module away (package.json `browser` field).
 */
export async function createDawnGpu(attempt: AdapterAttempt): Promise<GPU> {
  const dawn = await import('webgpu');
  // tfjs reads the WebGPU enums (GPUBufferUsage, GPUMapMode, …) as globals, as a browser has them.
  for (const [name, value] of Object.entries(dawn.globals as Record<string, unknown>)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  // Mesa's EGL needs to be told there is no display; without it llvmpipe is never found headless.
  if (isGlBackend(attempt.dawnBackend) && !process.env.EGL_PLATFORM) process.env.EGL_PLATFORM = 'surfaceless';
  const flags = [...attempt.dawnFlags];
  if (attempt.dawnBackend) flags.push(`backend=${attempt.dawnBackend}`);
  if (attempt.adapter) flags.push(`adapter=${attempt.adapter}`);
  return dawn.create(flags);
}
