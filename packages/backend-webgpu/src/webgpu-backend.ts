/// <reference types="@webgpu/types" />
import * as tf from '@tensorflow/tfjs-core';
import { activateTfjsBackend, type Backend, type BackendCapabilities } from '@tl/core';
import { describeAttempt, type AdapterAttempt } from './gpu/adapter-attempt.js';
import { exposeGpu } from './gpu/expose-gpu.js';
import { requestAdapter, type Runtime } from './gpu/request-adapter.js';
import { requestDevice } from './gpu/request-device.js';
import { registerWebGpuKernels } from './kernels/register.js';
import { parseWebGpuOptions, type WebGpuBackendOptions } from './options.js';
import { TlWebGpuKernelBackend } from './tfjs/tl-webgpu-kernel-backend.js';

/** What init() found: shown in capabilities() and useful in benchmark reports. */
export interface WebGpuAdapterReport {
  readonly runtime: Runtime;
  /** The attempt that succeeded, e.g. `Dawn backend=opengl, featureLevel=compatibility, …`. */
  readonly request: string;
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
  readonly features: readonly string[];
}

/**
 * tl's WebGPU backend: tfjs-backend-webgpu on Dawn (Node) or `navigator.gpu` (browsers), with tl's
 * kernel additions. `createEngine({ backend: 'webgpu', backendOptions })` builds one by name.
 */
export class WebGpuBackend implements Backend {
  readonly name = 'webgpu';
  private readonly options: WebGpuBackendOptions;
  private device: GPUDevice | undefined;
  private report: WebGpuAdapterReport | undefined;

  constructor(options: WebGpuBackendOptions | Record<string, unknown> = {}) {
    this.options = parseWebGpuOptions(options);
  }

  async init(): Promise<void> {
    if (this.device && tf.getBackend() === this.name) return;
    const found = await requestAdapter(this.options);
    const device = await requestDevice(found.adapter);
    exposeGpu(found.gpu);
    const info = found.adapter.info;
    // Our factory replaces tfjs's own (which would ask navigator.gpu with its own defaults).
    if (tf.findBackendFactory(this.name)) tf.removeBackend(this.name);
    tf.registerBackend(this.name, () => new TlWebGpuKernelBackend(device, info), 3);
    registerWebGpuKernels();
    await activateTfjsBackend(this.name);
    this.device = device;
    this.report = toReport(found.attempt, found.runtime, info, found.adapter);
  }

  capabilities(): BackendCapabilities {
    const r = this.report;
    return {
      device: 'gpu',
      float16: r?.features.includes('shader-f16') ?? false,
      description: r ? describeAdapter(r) : 'WebGPU (not initialised)',
    };
  }

  /** The adapter init() chose; undefined before init(). */
  adapterReport(): WebGpuAdapterReport | undefined {
    return this.report;
  }

  async dispose(): Promise<void> {
    if (tf.findBackendFactory(this.name)) tf.removeBackend(this.name);
    this.device?.destroy();
    this.device = undefined;
    this.report = undefined;
  }
}

/** `WebGPU nvidia hopper NVIDIA H200 (Dawn backend=vulkan, …)`; software adapters say so. */
function describeAdapter(r: WebGpuAdapterReport): string {
  const names = [r.vendor, r.architecture, r.device || r.description].filter((s) => s.length > 0);
  const fallback = r.isFallbackAdapter ? ', software fallback adapter' : '';
  return `WebGPU ${names.join(' ') || 'adapter'} (${r.request}${fallback})`;
}

function toReport(attempt: AdapterAttempt, runtime: Runtime, info: GPUAdapterInfo, adapter: GPUAdapter): WebGpuAdapterReport {
  return {
    runtime,
    request: describeAttempt(attempt, runtime),
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false,
    features: [...adapter.features],
  };
}
