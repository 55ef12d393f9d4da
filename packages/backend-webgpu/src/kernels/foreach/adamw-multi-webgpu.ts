import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { TL_ADAMW_UPDATE_MULTI, splitAdamWMultiCall } from '@tl/core';
import { adamwWebGpu } from '../adamw/adamw-webgpu.js';

/**
 * Every parameter's update through the per-parameter WGSL kernel (TL_ADAMW_UPDATE's: one dispatch
 * per parameter), from one tfjs kernel call: the dispatches are the same, but tfjs's engine runs
 * once per optimizer step instead of once per parameter (201 times for BERT-base), and its
 * per-call bookkeeping is host time the GPU waits for. (One dispatch for all parameters would need
 * one binding per tensor, past WebGPU's limit of storage buffers per shader.)
 */
const adamwMultiWebGpu: KernelFunc = ({ inputs, backend, attrs }) =>
  splitAdamWMultiCall(inputs, attrs).flatMap(
    (one) => adamwWebGpu({ inputs: one.inputs, backend, attrs: one.attrs as unknown as NamedAttrMap }) as TensorInfo[],
  );

/** @tl/core's TL_ADAMW_UPDATE_MULTI (contract in core's training/optim/adamw-multi-kernel.ts) for webgpu. */
export const adamwMultiWebGpuConfig: KernelConfig = { kernelName: TL_ADAMW_UPDATE_MULTI, backendName: 'webgpu', kernelFunc: adamwMultiWebGpu };
