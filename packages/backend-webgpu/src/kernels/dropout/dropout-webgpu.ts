import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { webgpu_util, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { TL_DROPOUT, dropoutKeys, dropoutThreshold, type DropoutKernelAttrs } from '@tl/core';

/**
 * y = x · mask in one pass, the mask drawn per element by @tl/core's counter-based generator
 * (`dropoutHash`: murmur3's fmix32, keyed by the seed; u32 arithmetic wraps in WGSL as in
 * Math.imul), so it is bit-identical to core's `dropoutMaskReference`.
 */
class DropoutProgram implements WebGPUProgram {
  readonly shaderKey = 'tl_dropout';
  readonly variableNames = ['x'];
  readonly uniforms = 'key1 : u32, key2 : u32, threshold : u32, scale : f32,';
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;

  constructor(n: number) {
    this.outputShape = [n];
    this.dispatchLayout = webgpu_util.flatDispatchLayout(this.outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, this.outputShape, this.workgroupSize);
  }

  getUserCode(): string {
    return `
      fn tlFmix32(v : u32) -> u32 {
        var h = v;
        h = h ^ (h >> 16u);
        h = h * 0x85ebca6bu;
        h = h ^ (h >> 13u);
        h = h * 0xc2b2ae35u;
        h = h ^ (h >> 16u);
        return h;
      }

      fn main(index : i32) {
        if (index < uniforms.size) {
          let bits = tlFmix32(tlFmix32(u32(index) + uniforms.key1) ^ uniforms.key2);
          var y = 0.0;
          if ((bits >> 8u) >= uniforms.threshold) {
            y = x[index] * uniforms.scale;
          }
          setOutputAtIndex(index, y);
        }
      }`;
  }
}

const dropoutWebGpu: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as WebGPUBackend;
  const { x } = inputs as { x: TensorInfo };
  const { rate, seed } = attrs as unknown as DropoutKernelAttrs;
  const n = util.sizeFromShape(x.shape);
  const [key1, key2] = dropoutKeys(seed);
  const flat: TensorInfo = { dataId: x.dataId, shape: [n], dtype: x.dtype };
  const out = b.runWebGPUProgram(new DropoutProgram(n), [flat], 'float32', [
    { type: 'uint32', data: [key1] },
    { type: 'uint32', data: [key2] },
    { type: 'uint32', data: [dropoutThreshold(rate)] },
    { type: 'float32', data: [1 / (1 - rate)] },
  ]);
  return { dataId: out.dataId, shape: x.shape, dtype: 'float32' };
};

/** @tl/core's fused dropout (`TL_DROPOUT`; contract in core's nn/dropout-kernel.ts) for webgpu. */
export const dropoutWebGpuConfig: KernelConfig = { kernelName: TL_DROPOUT, backendName: 'webgpu', kernelFunc: dropoutWebGpu };
