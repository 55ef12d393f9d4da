import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { TL_ADAMW_UPDATE, adamwFloat32Constants, type AdamWKernelAttrs } from '@tl/core';
import { canRecordMultiOutput, runMultiOutputProgram } from '../../tfjs/multi-output-dispatch.js';
import { FlatElementwiseProgram } from '../flat-elementwise-program.js';
import { AdamWOnePassProgram } from './adamw-one-pass-program.js';

// torch.lerp switches form at weight 0.5 for accuracy; `lerpHigh` = 1 selects the second form.
const MOMENT = `
  let m = getExpAvgByOutputIndex(index);
  let g = getGradByOutputIndex(index) * uniforms.gradScale;
  var r : f32;
  if (uniforms.lerpHigh == 0) { r = m + (g - m) * uniforms.w; } else { r = g - (g - m) * (1.0 - uniforms.w); }
  setOutputAtIndex(index, r);`;
const SECOND_MOMENT = `
  let v = getExpAvgSqByOutputIndex(index);
  let g = getGradByOutputIndex(index) * uniforms.gradScale;
  setOutputAtIndex(index, v * uniforms.beta2 + (g * g) * uniforms.oneMinusBeta2);`;
const PARAM = `
  let p = getParamByOutputIndex(index) * uniforms.decay;
  let denom = sqrt(getExpAvgSqByOutputIndex(index)) / uniforms.bc2Sqrt + uniforms.eps;
  setOutputAtIndex(index, p + (getExpAvgByOutputIndex(index) / denom) * uniforms.negStepSize);`;

/**
 * Which form ran last (`one-pass`: one dispatch with three outputs; `programs`: three tfjs
 * programs), `force` to pin one, and `maxWorkgroups` to shrink the one-pass grid below the
 * device's limit: for tests and A/B measurements. Not for concurrent use.
 */
export const adamwHooks: { force?: AdamWForm; last?: AdamWForm; maxWorkgroups?: number } = {};
export type AdamWForm = 'one-pass' | 'programs';

const STORAGE_BUFFERS = 7; // p, g, m, v in; p', m', v' out
const onePassAvailable = new WeakMap<WebGPUBackend, boolean>();

export const adamwWebGpu: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as WebGPUBackend;
  const a = attrs as unknown as AdamWKernelAttrs;
  const { param, grad, expAvg, expAvgSq } = inputs as Record<'param' | 'grad' | 'expAvg' | 'expAvgSq', TensorInfo>;
  const n = util.sizeFromShape(param.shape);
  // Flat views of the same buffers: the programs index linearly.
  const flat = (t: TensorInfo): TensorInfo => ({ dataId: t.dataId, shape: [n], dtype: t.dtype });
  // The update's scalars as core's op sequence rounds them (float32, as the uniforms hold them);
  // the clip coefficient (gradScale) is folded into both moments (×1 is exact when there is none).
  const c = adamwFloat32Constants(a);

  let available = onePassAvailable.get(b);
  if (available === undefined) onePassAvailable.set(b, (available = canRecordMultiOutput(b, STORAGE_BUFFERS)));
  const form: AdamWForm = n === 0 ? 'programs' : adamwHooks.force ?? (available ? 'one-pass' : 'programs');
  adamwHooks.last = form;
  if (form === 'one-pass') {
    const program = new AdamWOnePassProgram(n, adamwHooks.maxWorkgroups ?? b.device.limits.maxComputeWorkgroupsPerDimension);
    return runMultiOutputProgram(b, program, [param, grad, expAvg, expAvgSq], [param.shape, param.shape, param.shape], program.uniforms(c));
  }
  const f32 = (x: number) => ({ type: 'float32', data: [x] });
  const i32 = (x: number) => ({ type: 'int32', data: [x] });

  const m = b.runWebGPUProgram(
    new FlatElementwiseProgram('tl_adamw_m', ['expAvg', 'grad'], 'w : f32, lerpHigh : i32, gradScale : f32,', MOMENT, n),
    [flat(expAvg), flat(grad)], 'float32', [f32(c.lerpWeight), i32(c.lerpSmall ? 0 : 1), f32(c.gradScale)],
  );
  const v = b.runWebGPUProgram(
    new FlatElementwiseProgram('tl_adamw_v', ['expAvgSq', 'grad'], 'beta2 : f32, oneMinusBeta2 : f32, gradScale : f32,', SECOND_MOMENT, n),
    [flat(expAvgSq), flat(grad)], 'float32', [f32(c.beta2), f32(c.oneMinusBeta2), f32(c.gradScale)],
  );
  const p = b.runWebGPUProgram(
    new FlatElementwiseProgram('tl_adamw_p', ['param', 'expAvg', 'expAvgSq'], 'decay : f32, bc2Sqrt : f32, eps : f32, negStepSize : f32,', PARAM, n),
    [flat(param), m, v], 'float32', [f32(c.decay), f32(c.biasCorrection2Sqrt), f32(c.eps), f32(c.negStepSize)],
  );
  const shaped = (t: TensorInfo): TensorInfo => ({ dataId: t.dataId, shape: param.shape, dtype: 'float32' });
  return [shaped(p), shaped(m), shaped(v)];
};

/**
 * @tl/core's fused AdamW kernel (`TL_ADAMW_UPDATE`, contract in core's training/optim/adamw-kernel.ts)
 * for webgpu: one WGSL dispatch per parameter that writes all three results (adamw-one-pass-program.ts),
 * or, where the device binds fewer than 7 storage buffers per shader or tfjs's internals are not as
 * expected, three (first moment, second moment, parameter) — instead of ~12 elementwise kernels and
 * their scalar uploads. Core's `AdamW` calls it whenever it is registered.
 */
export const adamwWebGpuConfig: KernelConfig = { kernelName: TL_ADAMW_UPDATE, backendName: 'webgpu', kernelFunc: adamwWebGpu };
