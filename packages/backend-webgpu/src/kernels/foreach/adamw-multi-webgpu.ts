import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { TL_ADAMW_UPDATE_MULTI, adamWMultiInputName, type AdamWMultiAttrs } from '@tl/core';
import { adamwWebGpu } from '../adamw/adamw-webgpu.js';

type MultiAttrs = AdamWMultiAttrs & { lr: number[]; weightDecay: number[]; step: number[] };
const ROLES = ['param', 'grad', 'expAvg', 'expAvgSq'] as const;

/**
 * Every parameter's update through the per-parameter WGSL programs (TL_ADAMW_UPDATE's), from one
 * tfjs kernel call: the dispatches are the same, but tfjs's engine runs once per optimizer step
 * instead of once per parameter (201 times for BERT-base), and its per-call bookkeeping is host
 * time the GPU waits for. (One dispatch for all parameters would need one binding per tensor,
 * past WebGPU's limit of storage buffers per shader.)
 */
const adamwMultiWebGpu: KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrs as unknown as MultiAttrs;
  const named = inputs as NamedTensorInfoMap;
  const out: TensorInfo[] = [];
  for (let i = 0; i < a.lr.length; i++) {
    const one: NamedTensorInfoMap = {};
    for (const role of ROLES) one[role] = named[adamWMultiInputName(role, i)]!;
    const perParam = { ...a, lr: a.lr[i]!, weightDecay: a.weightDecay[i]!, step: a.step[i]! };
    out.push(...(adamwWebGpu({ inputs: one, backend, attrs: perParam as unknown as Record<string, number> }) as TensorInfo[]));
  }
  return out;
};

/** @tl/core's TL_ADAMW_UPDATE_MULTI (contract in core's training/optim/adamw-multi-kernel.ts) for webgpu. */
export const adamwMultiWebGpuConfig: KernelConfig = { kernelName: TL_ADAMW_UPDATE_MULTI, backendName: 'webgpu', kernelFunc: adamwMultiWebGpu };
