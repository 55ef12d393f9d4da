import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { Fill, Sum, util } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { TL_LAYER_NORM, TL_LAYER_NORM_BACKWARD, TL_LAYER_NORM_GAMMA_GRAD, type LayerNormKernelAttrs } from '@tl/core';
import { ROW_THREADS as THREADS, runRowProgram, workgroupReduce } from '../row-program.js';
import { webgpuKernel } from '../webgpu-kernel.js';

/**
 * @tl/core's LayerNorm kernels (contract in core's nn/layer-norm-kernel.ts) for webgpu: one
 * workgroup of 64 threads per row; the row statistics are workgroup tree reductions, two-pass
 * (mean, then Σ(x − mean)²) as the op composition computes them. dgamma is the row program's
 * dy · x̂ and then the column sum.
 */
/** The row reductions the programs make; each gets its own workgroup array (row-program.ts says why). */
const REDUCTIONS = ['rowSum', 'rowSquares', 'rowG', 'rowGX'] as const;

const workgroupSum = (name: (typeof REDUCTIONS)[number], value: string): string => workgroupReduce(name, value);

/** Row mean and 1/√(var + eps) of x[base, base + hidden), two-pass; loops are guarded, barriers are not. */
const ROW_STATS = `
        let hidden = cols;
        var sum = 0.0;
        for (var j = lane; j < hidden && valid; j = j + ${THREADS}) {
          sum = sum + x[base + j];
        }
        ${workgroupSum('rowSum', 'sum')}
        let mean = rowSum / f32(hidden);
        var squares = 0.0;
        for (var j = lane; j < hidden && valid; j = j + ${THREADS}) {
          let d = x[base + j] - mean;
          squares = squares + d * d;
        }
        ${workgroupSum('rowSquares', 'squares')}
        let rstd = inverseSqrt(rowSquares / f32(hidden) + uniforms.eps);`;

const FORWARD = `
        for (var j = lane; j < hidden && valid; j = j + ${THREADS}) {
          result[base + j] = (x[base + j] - mean) * rstd * gamma[j] + beta[j];
        }`;

// dx = r · (g − mean(g) − x̂ · mean(g · x̂)), g = dy · gamma.
const BACKWARD = `
        var sumG = 0.0;
        var sumGX = 0.0;
        for (var j = lane; j < hidden && valid; j = j + ${THREADS}) {
          let g = dy[base + j] * gamma[j];
          sumG = sumG + g;
          sumGX = sumGX + g * (x[base + j] - mean) * rstd;
        }
        ${workgroupSum('rowG', 'sumG')}
        ${workgroupSum('rowGX', 'sumGX')}
        let meanG = rowG / f32(hidden);
        let meanGX = rowGX / f32(hidden);
        for (var j = lane; j < hidden && valid; j = j + ${THREADS}) {
          let g = dy[base + j] * gamma[j];
          let xhat = (x[base + j] - mean) * rstd;
          result[base + j] = rstd * (g - meanG - xhat * meanGX);
        }`;

// dgamma's terms dy · x̂, x̂ = (x − mean) · r: the product core's composition makes of its second forward.
const GAMMA_GRAD_TERMS = `
        for (var j = lane; j < hidden && valid; j = j + ${THREADS}) {
          result[base + j] = dy[base + j] * ((x[base + j] - mean) * rstd);
        }`;

/** Runs a LayerNorm row program (the row statistics, then `body`) over x's rows; the result has x's shape. */
function runLayerNormRows(b: WebGPUBackend, shaderKey: string, variableNames: string[], body: string, named: Record<string, TensorInfo>, eps: number): TensorInfo {
  const spec = { shaderKey, variableNames, reductions: REDUCTIONS, body: ROW_STATS + body, uniforms: 'eps : f32,' };
  return runRowProgram(b, spec, variableNames.map((n) => named[n]!), named['x']!.shape, [{ type: 'float32', data: [eps] }]);
}

function rowKernel(kernelName: string, shaderKey: string, variableNames: string[], body: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) =>
    runLayerNormRows(backend as WebGPUBackend, shaderKey, variableNames, body, inputs as Record<string, TensorInfo>, (attrs as unknown as LayerNormKernelAttrs).eps);
  return { kernelName, backendName: 'webgpu', kernelFunc };
}

export const layerNormWebGpuConfig = rowKernel(TL_LAYER_NORM, 'tl_layer_norm', ['x', 'gamma', 'beta'], FORWARD);
export const layerNormBackwardWebGpuConfig = rowKernel(TL_LAYER_NORM_BACKWARD, 'tl_layer_norm_backward', ['x', 'dy', 'gamma'], BACKWARD);

/**
 * TL_LAYER_NORM_GAMMA_GRAD: Σ over rows of dy · x̂, as the row program's terms (one dispatch) and
 * the registered Sum over the leading axis (tl's column sum, sum/leading-axes-sum-webgpu.ts: one or
 * two dispatches). Core's composition without it runs ones, zeros, the forward again, the product
 * and the same sum: 3 dispatches instead of 6 per LayerNorm, and no second forward.
 */
const layerNormGammaGradWebGpu: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as WebGPUBackend;
  const named = inputs as Record<string, TensorInfo>;
  const hidden = named['gamma']!.shape[0]!;
  const rows = hidden === 0 ? 0 : util.sizeFromShape(named['x']!.shape) / hidden;
  if (rows === 0) return webgpuKernel(Fill).kernelFunc({ inputs: {}, backend: b, attrs: { shape: [hidden], value: 0, dtype: 'float32' } }) as TensorInfo;
  const terms = runLayerNormRows(b, 'tl_layer_norm_gamma_terms', ['x', 'dy'], GAMMA_GRAD_TERMS, named, (attrs as unknown as LayerNormKernelAttrs).eps);
  try {
    const asRows: TensorInfo = { dataId: terms.dataId, shape: [rows, hidden], dtype: 'float32' };
    return webgpuKernel(Sum).kernelFunc({ inputs: { x: asRows }, backend: b, attrs: { axis: [0], keepDims: false } as unknown as NamedAttrMap }) as TensorInfo;
  } finally {
    b.disposeData(terms.dataId);
  }
};

export const layerNormGammaGradWebGpuConfig: KernelConfig = { kernelName: TL_LAYER_NORM_GAMMA_GRAD, backendName: 'webgpu', kernelFunc: layerNormGammaGradWebGpu };
