import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, util } from '@tensorflow/tfjs-core';
import { webgpu_util, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { TL_GELU, TL_GELU_BACKWARD } from '@tl/core';

/**
 * @tl/core's GELU kernels (contract in core's nn/gelu-kernel.ts) for webgpu: one elementwise pass
 * each way. erf is tfjs's own approximation (the constants tf.erf uses on every backend), so the
 * fused kernel and the op composition agree to rounding.
 */
const ERF = `
  fn tlErf(v : f32) -> f32 {
    let a = abs(v);
    let t = 1.0 / (1.0 + ${backend_util.ERF_P} * a);
    let poly = ((((${backend_util.ERF_A5} * t + ${backend_util.ERF_A4}) * t + ${backend_util.ERF_A3}) * t + ${backend_util.ERF_A2}) * t + ${backend_util.ERF_A1}) * t;
    return sign(v) * (1.0 - poly * exp(-a * a));
  }`;

class ElementwiseProgram implements WebGPUProgram {
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;
  readonly uniforms = '';

  constructor(
    readonly shaderKey: string,
    readonly variableNames: string[],
    private readonly body: string,
    n: number,
  ) {
    this.outputShape = [n];
    this.dispatchLayout = webgpu_util.flatDispatchLayout(this.outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, this.outputShape, this.workgroupSize);
  }

  getUserCode(): string {
    return `
      ${ERF}
      fn main(index : i32) {
        if (index < uniforms.size) {
          let v = x[index];
          ${this.body}
        }
      }`;
  }
}

const FORWARD = `result[index] = 0.5 * v * (1.0 + tlErf(v * ${Math.SQRT1_2}));`;
// d/dx [x/2 · (1 + erf(x/√2))] = ½(1 + erf(x/√2)) + x · e^(−x²/2) / √(2π)
const BACKWARD = `result[index] = dy[index] * (0.5 * (1.0 + tlErf(v * ${Math.SQRT1_2})) + v * exp(-0.5 * v * v) * ${1 / Math.sqrt(2 * Math.PI)});`;

function elementwiseKernel(kernelName: string, shaderKey: string, variableNames: string[], body: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend }) => {
    const named = inputs as Record<string, TensorInfo>;
    const x = named['x']!;
    const n = util.sizeFromShape(x.shape);
    const flat = (t: TensorInfo): TensorInfo => ({ dataId: t.dataId, shape: [n], dtype: t.dtype });
    const out = (backend as WebGPUBackend).runWebGPUProgram(new ElementwiseProgram(shaderKey, variableNames, body, n), variableNames.map((v) => flat(named[v]!)), 'float32');
    return { dataId: out.dataId, shape: x.shape, dtype: 'float32' };
  };
  return { kernelName, backendName: 'webgpu', kernelFunc };
}

export const geluWebGpuConfig = elementwiseKernel(TL_GELU, 'tl_gelu', ['x'], FORWARD);
export const geluBackwardWebGpuConfig = elementwiseKernel(TL_GELU_BACKWARD, 'tl_gelu_backward', ['x', 'dy'], BACKWARD);
