import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { TL_GLOBAL_NORM, globalNormInputName } from '@tl/core';
import { webgpuKernel } from '../webgpu-kernel.js';
import { SUM_SQUARES_MAX_INPUTS, SUM_SQUARES_WORKGROUPS, SumOfSquaresProgram } from './sum-of-squares-program.js';

/**
 * The global norm in ⌈N / k⌉ + 2 dispatches for N gradients: each gradient's Σx² goes into 64
 * partial slots of one shared buffer (sum-of-squares-program.ts: 64 workgroups share a large
 * gradient; k gradients per dispatch, k = 15 or what the device's storage-buffer limit allows),
 * then tfjs's Sum over the partials and its Sqrt. Core's composition runs Square and Sum per
 * gradient — 2N + 3 dispatches, a full-size squared copy of each gradient, and one tfjs kernel call each.
 */
const globalNormWebGpu: KernelFunc = ({ inputs, backend }) => {
  const b = backend as WebGPUBackend;
  const run = (name: string, kernelInputs: NamedTensorInfoMap, attrs: Record<string, unknown> = {}): TensorInfo =>
    webgpuKernel(name).kernelFunc({ inputs: kernelInputs, backend: b, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
  // Empty tensors add nothing (and a zero-size buffer cannot be bound).
  const xs = Object.keys(inputs)
    .map((_, i) => (inputs as NamedTensorInfoMap)[globalNormInputName(i)]!)
    .filter((x) => tf.util.sizeFromShape(x.shape) > 0);
  if (xs.length === 0) return run(tf.Fill, {}, { shape: [], value: 0, dtype: 'float32' });
  const threads = Math.min(256, b.device.limits.maxComputeInvocationsPerWorkgroup, b.device.limits.maxComputeWorkgroupSizeX);
  const pow2 = 1 << Math.floor(Math.log2(threads));
  // The output is a storage binding too.
  const perDispatch = Math.max(1, Math.min(SUM_SQUARES_MAX_INPUTS, b.device.limits.maxStorageBuffersPerShaderStage - 1));
  const slots = xs.length * SUM_SQUARES_WORKGROUPS;
  const i32 = (v: number) => ({ type: 'int32', data: [v] });
  let partials: TensorInfo | undefined;
  for (let first = 0; first < xs.length; first += perDispatch) {
    const group = xs.slice(first, first + perDispatch);
    const flat = group.map((x): TensorInfo => ({ dataId: x.dataId, shape: [tf.util.sizeFromShape(x.shape)], dtype: 'float32' }));
    const program = new SumOfSquaresProgram(slots, pow2, group.length);
    const uniforms = [...flat.map((x) => i32(x.shape[0]!)), i32(first * SUM_SQUARES_WORKGROUPS)];
    partials = b.runWebGPUProgram(program, flat, 'float32', uniforms, partials);
  }
  const total = run(tf.Sum, { x: partials! }, { axis: [0], keepDims: false });
  try {
    return run(tf.Sqrt, { x: total });
  } finally {
    b.disposeData(partials!.dataId);
    b.disposeData(total.dataId);
  }
};

/** @tl/core's TL_GLOBAL_NORM (contract in core's training/gradients/global-norm-kernel.ts) for webgpu. */
export const globalNormWebGpuConfig: KernelConfig = { kernelName: TL_GLOBAL_NORM, backendName: 'webgpu', kernelFunc: globalNormWebGpu };
