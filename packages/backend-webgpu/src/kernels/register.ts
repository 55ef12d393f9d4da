import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { adamwWebGpuConfig } from './adamw/adamw-webgpu.js';
import { dropoutWebGpuConfig } from './dropout/dropout-webgpu.js';
import { splitKSafe } from './splitk-transpose-b.js';
import { unsortedSegmentSumWebGpu } from './unsorted-segment-sum/unsorted-segment-sum-webgpu.js';

const BACKEND = 'webgpu';
let registered = false;
/** tfjs's kernels that tl replaced, by name: tl's delegate to them, and `withTfjsKernels` swaps them back. */
const replaced = new Map<string, { readonly tfjs: tf.KernelConfig; readonly tl: tf.KernelConfig }>();

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
  replaceKernel(unsortedSegmentSumWebGpu(requireKernel(tf.UnsortedSegmentSum), requireKernel(tf.Fill).kernelFunc));
  // @tl/core's optional fused kernels (new kernel names, nothing to replace): core calls them when registered.
  for (const config of [adamwWebGpuConfig, dropoutWebGpuConfig]) {
    if (!tf.getKernel(config.kernelName, BACKEND)) tf.registerKernel(config);
  }
}

function requireKernel(name: string): tf.KernelConfig {
  const k = tf.getKernel(name, BACKEND);
  if (!k) throw new Error(`tfjs-backend-webgpu registers no ${name} kernel (version mismatch?)`);
  return k;
}

function replaceKernel(config: tf.KernelConfig): void {
  replaced.set(config.kernelName, { tfjs: requireKernel(config.kernelName), tl: config });
  tf.unregisterKernel(config.kernelName, BACKEND);
  tf.registerKernel(config);
}

/**
 * Runs `fn` with tfjs's own webgpu kernels registered in place of tl's replacements for `names`
 * (all replaced kernels if omitted), then restores tl's: to measure a replacement against what it
 * replaced (the device check does). Not for concurrent use with other work on the engine.
 */
export async function withTfjsKernels<T>(fn: () => Promise<T> | T, names: readonly string[] = [...replaced.keys()]): Promise<T> {
  const swap = (which: 'tfjs' | 'tl'): void => {
    for (const name of names) {
      const r = replaced.get(name);
      if (!r) throw new Error(`withTfjsKernels: tl does not replace ${name} (replaced: ${[...replaced.keys()].join(', ')})`);
      tf.unregisterKernel(name, BACKEND);
      tf.registerKernel(r[which]);
    }
  };
  swap('tfjs');
  try {
    return await fn();
  } finally {
    swap('tl');
  }
}
