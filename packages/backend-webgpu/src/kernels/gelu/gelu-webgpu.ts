import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { TL_GELU, TL_GELU_BACKWARD } from '@tl/core';
import { FlatElementwiseProgram } from '../flat-elementwise-program.js';

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

const FORWARD = `let v = x[index];
  result[index] = 0.5 * v * (1.0 + tlErf(v * ${Math.SQRT1_2}));`;
// d/dx [x/2 · (1 + erf(x/√2))] = ½(1 + erf(x/√2)) + x · e^(−x²/2) / √(2π)
const BACKWARD = `let v = x[index];
  result[index] = dy[index] * (0.5 * (1.0 + tlErf(v * ${Math.SQRT1_2})) + v * exp(-0.5 * v * v) * ${1 / Math.sqrt(2 * Math.PI)});`;

function elementwiseKernel(kernelName: string, shaderKey: string, variableNames: string[], body: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend }) => {
    const named = inputs as Record<string, TensorInfo>;
    const x = named['x']!;
    const n = util.sizeFromShape(x.shape);
    const flat = (t: TensorInfo): TensorInfo => ({ dataId: t.dataId, shape: [n], dtype: t.dtype });
    const out = (backend as WebGPUBackend).runWebGPUProgram(new FlatElementwiseProgram(shaderKey, variableNames, '', body, n, ERF), variableNames.map((v) => flat(named[v]!)), 'float32');
    return { dataId: out.dataId, shape: x.shape, dtype: 'float32' };
  };
  return { kernelName, backendName: 'webgpu', kernelFunc };
}

export const geluWebGpuConfig = elementwiseKernel(TL_GELU, 'tl_gelu', ['x'], FORWARD);
export const geluBackwardWebGpuConfig = elementwiseKernel(TL_GELU_BACKWARD, 'tl_gelu_backward', ['x', 'dy'], BACKWARD);
