import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { TL_DROPOUT, dropoutKeys, dropoutThreshold, type DropoutKernelAttrs } from '@tl/core';
import { FlatElementwiseProgram } from '../flat-elementwise-program.js';

/**
 * y = x · mask in one pass, the mask drawn per element by @tl/core's counter-based generator
 * (`dropoutHash`: murmur3's fmix32, keyed by the seed; u32 arithmetic wraps in WGSL as in
 * Math.imul), so it is bit-identical to core's `dropoutMaskReference`.
 */
const FMIX32 = `
  fn tlFmix32(v : u32) -> u32 {
    var h = v;
    h = h ^ (h >> 16u);
    h = h * 0x85ebca6bu;
    h = h ^ (h >> 13u);
    h = h * 0xc2b2ae35u;
    h = h ^ (h >> 16u);
    return h;
  }`;
const DROPOUT = `
  let bits = tlFmix32(tlFmix32(u32(index) + uniforms.key1) ^ uniforms.key2);
  var y = 0.0;
  if ((bits >> 8u) >= uniforms.threshold) {
    y = x[index] * uniforms.scale;
  }
  setOutputAtIndex(index, y);`;
const UNIFORMS = 'key1 : u32, key2 : u32, threshold : u32, scale : f32,';

const dropoutWebGpu: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as WebGPUBackend;
  const { x } = inputs as { x: TensorInfo };
  const { rate, seed } = attrs as unknown as DropoutKernelAttrs;
  const n = util.sizeFromShape(x.shape);
  const [key1, key2] = dropoutKeys(seed);
  const flat: TensorInfo = { dataId: x.dataId, shape: [n], dtype: x.dtype };
  const out = b.runWebGPUProgram(new FlatElementwiseProgram('tl_dropout', ['x'], UNIFORMS, DROPOUT, n, FMIX32), [flat], 'float32', [
    { type: 'uint32', data: [key1] },
    { type: 'uint32', data: [key2] },
    { type: 'uint32', data: [dropoutThreshold(rate)] },
    { type: 'float32', data: [1 / (1 - rate)] },
  ]);
  return { dataId: out.dataId, shape: x.shape, dtype: 'float32' };
};

/** @tl/core's fused dropout (`TL_DROPOUT`; contract in core's nn/dropout-kernel.ts) for webgpu. */
export const dropoutWebGpuConfig: KernelConfig = { kernelName: TL_DROPOUT, backendName: 'webgpu', kernelFunc: dropoutWebGpu };
