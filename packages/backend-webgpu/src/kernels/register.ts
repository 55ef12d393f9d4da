import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { adamwWebGpuConfig } from './adamw/adamw-webgpu.js';
import { splitKSafe } from './splitk-transpose-b.js';

const BACKEND = 'webgpu';
let registered = false;

/**
 * Registers tl's kernel changes for the tfjs `webgpu` backend (idempotent): fixes for tfjs bugs and
 * fused kernels. Each replaces the kernel tfjs registered, keeping the original for the cases it
 * does not handle; each is checked against the `cpu` backend in test/kernels.test.ts.
 */
export function registerWebGpuKernels(): void {
  if (registered) return;
  registered = true;
  const transpose = requireKernel(tf.Transpose).kernelFunc;
  for (const name of [tf.BatchMatMul, tf._FusedMatMul]) replaceKernel(splitKSafe(requireKernel(name), transpose));
  // tl's own fused kernels (new kernel names, nothing to replace).
  if (!tf.getKernel(adamwWebGpuConfig.kernelName, BACKEND)) tf.registerKernel(adamwWebGpuConfig);
}

function requireKernel(name: string): tf.KernelConfig {
  const k = tf.getKernel(name, BACKEND);
  if (!k) throw new Error(`tfjs-backend-webgpu registers no ${name} kernel (version mismatch?)`);
  return k;
}

function replaceKernel(config: tf.KernelConfig): void {
  tf.unregisterKernel(config.kernelName, BACKEND);
  tf.registerKernel(config);
}
