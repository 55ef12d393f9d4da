import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { webgpu_util, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { TL_LAYER_NORM, TL_LAYER_NORM_BACKWARD, type LayerNormKernelAttrs } from '@tl/core';

/**
 * @tl/core's LayerNorm kernels (contract in core's nn/layer-norm-kernel.ts) for webgpu: one
 * workgroup of 64 threads per row; the row statistics are workgroup tree reductions, two-pass
 * (mean, then Σ(x − mean)²) as the op composition computes them.
 */
const THREADS = 64;

/** The row reductions the programs make; each gets its own workgroup array (see workgroupSum). */
const REDUCTIONS = ['rowSum', 'rowSquares', 'rowG', 'rowGX'] as const;

/**
 * WGSL that sets `name` to the workgroup-wide sum of `value` (every invocation runs it, in uniform
 * control flow). Each reduction has its own workgroup array: reusing one array for the next
 * reduction was seen to hand invocations past llvmpipe's first 8-wide SIMD group the *next*
 * reduction's partial sums (Dawn's GL backend defers the `let` load of the total past the following
 * writes), and a per-reduction array leaves nothing to overwrite.
 */
function workgroupSum(name: (typeof REDUCTIONS)[number], value: string): string {
  const partials = `tlPartials_${name}`;
  return `
        ${partials}[localId.x] = ${value};
        workgroupBarrier();
        for (var stride = ${THREADS / 2}u; stride > 0u; stride = stride / 2u) {
          if (localId.x < stride) {
            ${partials}[localId.x] = ${partials}[localId.x] + ${partials}[localId.x + stride];
          }
          workgroupBarrier();
        }
        let ${name} = ${partials}[0];`;
}

/** Row mean and 1/√(var + eps) of x[base, base + hidden), two-pass; loops are guarded, barriers are not. */
const ROW_STATS = `
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

class RowProgram implements WebGPUProgram {
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [THREADS, 1, 1];
  readonly uniforms = 'rows : i32, hidden : i32, eps : f32,';

  constructor(
    readonly shaderKey: string,
    readonly variableNames: string[],
    private readonly body: string,
    rows: number,
    hidden: number,
  ) {
    this.outputShape = [rows * hidden];
    this.dispatchLayout = webgpu_util.flatDispatchLayout([rows * THREADS]);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, [rows * THREADS], this.workgroupSize);
  }

  getUserCode(): string {
    return `
      ${REDUCTIONS.map((r) => `var<workgroup> tlPartials_${r} : array<f32, ${THREADS}>;`).join('\n      ')}

      fn main(index : i32) {
        let row = index / ${THREADS};
        let valid = row < uniforms.rows;
        let hidden = uniforms.hidden;
        let lane = i32(localId.x);
        let base = row * hidden;
        ${ROW_STATS}
        ${this.body}
      }`;
  }
}

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

function rowKernel(kernelName: string, shaderKey: string, variableNames: string[], body: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const b = backend as WebGPUBackend;
    const named = inputs as Record<string, TensorInfo>;
    const x = named['x']!;
    const hidden = x.shape[x.shape.length - 1]!;
    const rows = hidden === 0 ? 0 : util.sizeFromShape(x.shape) / hidden;
    const flat = (t: TensorInfo): TensorInfo => ({ dataId: t.dataId, shape: [util.sizeFromShape(t.shape)], dtype: t.dtype });
    const { eps } = attrs as unknown as LayerNormKernelAttrs;
    const out = b.runWebGPUProgram(new RowProgram(shaderKey, variableNames, body, rows, hidden), variableNames.map((n) => flat(named[n]!)), 'float32', [
      { type: 'int32', data: [rows] },
      { type: 'int32', data: [hidden] },
      { type: 'float32', data: [eps] },
    ]);
    return { dataId: out.dataId, shape: x.shape, dtype: 'float32' };
  };
  return { kernelName, backendName: 'webgpu', kernelFunc };
}

export const layerNormWebGpuConfig = rowKernel(TL_LAYER_NORM, 'tl_layer_norm', ['x', 'gamma', 'beta'], FORWARD);
export const layerNormBackwardWebGpuConfig = rowKernel(TL_LAYER_NORM_BACKWARD, 'tl_layer_norm_backward', ['x', 'dy', 'gamma'], BACKWARD);
