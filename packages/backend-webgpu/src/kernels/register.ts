import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { adamwWebGpuConfig } from './adamw/adamw-webgpu.js';
import { attentionSoftmaxBackwardWebGpuConfig, attentionSoftmaxWebGpuConfig } from './attention-softmax/attention-softmax-webgpu.js';
import { dropoutWebGpuConfig } from './dropout/dropout-webgpu.js';
import { adamwMultiWebGpuConfig } from './foreach/adamw-multi-webgpu.js';
import { globalNormWebGpuConfig } from './foreach/global-norm-webgpu.js';
import { geluBackwardWebGpuConfig, geluWebGpuConfig } from './gelu/gelu-webgpu.js';
import { layerNormBackwardWebGpuConfig, layerNormGammaGradWebGpuConfig, layerNormWebGpuConfig } from './layer-norm/layer-norm-webgpu.js';
import { tlMatMul } from './matmul/matmul-webgpu.js';
import { splitKSafe } from './splitk-transpose-b.js';
import { leadingAxesSumWebGpu } from './sum/leading-axes-sum-webgpu.js';
import { unsortedSegmentSumWebGpu } from './unsorted-segment-sum/unsorted-segment-sum-webgpu.js';
import { webgpuKernel } from './webgpu-kernel.js';

const BACKEND = 'webgpu';
let registered = false;
/** @tl/core's optional fused kernels (new kernel names): core calls each one when it is registered. */
const FUSED: readonly tf.KernelConfig[] = [
  adamwWebGpuConfig,
  dropoutWebGpuConfig,
  layerNormWebGpuConfig,
  layerNormBackwardWebGpuConfig,
  layerNormGammaGradWebGpuConfig,
  geluWebGpuConfig,
  geluBackwardWebGpuConfig,
  adamwMultiWebGpuConfig,
  globalNormWebGpuConfig,
  attentionSoftmaxWebGpuConfig,
  attentionSoftmaxBackwardWebGpuConfig,
];
/** tfjs's kernels that tl replaced, by name: tl's delegate to them, and `withTfjsKernels` swaps them back. */
const replaced = new Map<string, { readonly tfjs: tf.KernelConfig; readonly tl: tf.KernelConfig; readonly purpose: Purpose }>();
/** A replacement fixes a tfjs bug (wrong results) or makes tfjs faster. */
type Purpose = 'fix' | 'speed';

/**
 * Registers tl's kernel changes for the tfjs `webgpu` backend (idempotent): fixes for tfjs bugs and
 * fused kernels. Each replaces the kernel tfjs registered, keeping the original for the cases it
 * does not handle; each is checked against the `cpu` backend in test/kernels.test.ts.
 */
export function registerWebGpuKernels(): void {
  if (registered) return;
  registered = true;
  const transpose = webgpuKernel(tf.Transpose).kernelFunc;
  for (const name of [tf.BatchMatMul, tf._FusedMatMul]) replaceKernel(splitKSafe(webgpuKernel(name), transpose), 'fix');
  // tl's GEMM over the fixed kernel: what it declines goes to the fix, and withTfjsKernels /
  // withoutTlSpeedups swap back to the fix (tfjs + its bug fix), not to tfjs's raw kernel.
  for (const name of [tf.BatchMatMul, tf._FusedMatMul]) replaceKernel(tlMatMul(webgpuKernel(name)), 'speed');
  replaceKernel(unsortedSegmentSumWebGpu(webgpuKernel(tf.UnsortedSegmentSum), webgpuKernel(tf.Fill).kernelFunc), 'speed');
  replaceKernel(leadingAxesSumWebGpu(webgpuKernel(tf.Sum)), 'speed');
  for (const config of FUSED) {
    if (!tf.getKernel(config.kernelName, BACKEND)) tf.registerKernel(config);
  }
}

function replaceKernel(config: tf.KernelConfig, purpose: Purpose): void {
  replaced.set(config.kernelName, { tfjs: webgpuKernel(config.kernelName), tl: config, purpose });
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

/**
 * Runs `fn` without tl's speed-ups: tfjs's own kernel in place of each replacement made for speed
 * (bug fixes stay), and @tl/core's fused kernels unregistered (so core composes tfjs ops, as it
 * did before they existed); then restores them. The baseline the device check measures against.
 */
export async function withoutTlSpeedups<T>(fn: () => Promise<T> | T): Promise<T> {
  for (const config of FUSED) if (tf.getKernel(config.kernelName, BACKEND)) tf.unregisterKernel(config.kernelName, BACKEND);
  try {
    const speedups = [...replaced].filter(([, r]) => r.purpose === 'speed').map(([name]) => name);
    return await withTfjsKernels(fn, speedups);
  } finally {
    for (const config of FUSED) if (!tf.getKernel(config.kernelName, BACKEND)) tf.registerKernel(config);
  }
}
