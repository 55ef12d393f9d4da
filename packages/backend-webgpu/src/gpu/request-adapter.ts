/// <reference types="@webgpu/types" />
import { TlError } from '@tl/core';
import type { WebGpuBackendOptions } from '../options.js';
import { describeAttempt, planAttempts, type AdapterAttempt } from './adapter-attempt.js';

export type Runtime = 'node' | 'browser';

/** An adapter together with the GPU object and the attempt that produced it. */
export interface FoundAdapter {
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  readonly attempt: AdapterAttempt;
  readonly runtime: Runtime;
}

/** Browsers (and Node ≥ 21 with a shim) have `navigator.gpu`; Node without one gets Dawn. */
export function detectRuntime(): Runtime {
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  return isNode ? 'node' : 'browser';
}

/**
 * Tries the planned attempts in order and returns the first adapter. None → a TlError naming every
 * attempt, so "no GPU" on a CI box reads as what to install rather than a null dereference in tfjs.
 */
export async function requestAdapter(options: WebGpuBackendOptions, runtime: Runtime = detectRuntime()): Promise<FoundAdapter> {
  const platform = runtime === 'node' ? process.platform : 'browser';
  const attempts = planAttempts(options, runtime, platform);
  const failures: string[] = [];
  for (const attempt of attempts) {
    const what = describeAttempt(attempt, runtime);
    try {
      const gpu = runtime === 'node' ? await nodeGpu(attempt) : browserGpu();
      const adapter = await gpu.requestAdapter({
        featureLevel: attempt.featureLevel,
        powerPreference: attempt.powerPreference,
      } as GPURequestAdapterOptions);
      if (adapter) return { gpu, adapter, attempt, runtime };
      failures.push(`${what}: no adapter`);
    } catch (e) {
      if (e instanceof TlError) throw e;
      failures.push(`${what}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  const hint =
    runtime === 'node'
      ? ' — on a machine without a GPU install Mesa (packages/backend-webgpu/scripts/install-deps.sh) and use ' +
        'dawnBackend "opengl" with EGL_PLATFORM=surfaceless; on NVIDIA, Dawn\'s vulkan backend needs libvulkan.so.1'
      : ' — this browser offers no WebGPU adapter (use the wasm backend)';
  throw new TlError('BACKEND', `no WebGPU adapter found; tried ${failures.join('; ')}${hint}`);
}

async function nodeGpu(attempt: AdapterAttempt): Promise<GPU> {
  // Kept behind a dynamic import so that browser bundles never load the native addon.
  const { createDawnGpu } = await import('./dawn.js');
  return createDawnGpu(attempt);
}

function browserGpu(): GPU {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new TlError('BACKEND', 'no WebGPU adapter found: navigator.gpu is undefined in this browser (use the wasm backend)');
  return gpu;
}
