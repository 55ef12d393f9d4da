import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { webgpu_util, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { TL_ATTENTION_SOFTMAX, TL_ATTENTION_SOFTMAX_BACKWARD, type AttentionSoftmaxAttrs } from '@tl/core';
import { workgroupArrays, workgroupReduce } from '../workgroup-reduce.js';

/**
 * @tl/core's attention-softmax kernels (contract in core's nn/attention-softmax-kernel.ts) for
 * webgpu: one workgroup of 64 invocations per row of scores (a query's keys), reductions in
 * workgroup memory. Forward: softmax(scores · scale + mask) with the row maximum subtracted, in
 * place of tfjs's Multiply (of q), Add (the mask) and Softmax; backward: scale · y · (dy − Σ dy·y)
 * in place of the Multiply, Sum, Multiply, Sub of tfjs's softmax gradient and the Multiply of the
 * scale's — 1 dispatch each way instead of 3 and 5, per layer.
 */
const THREADS = 64;
const REDUCTIONS = ['rowMax', 'rowSum', 'rowDot'] as const;

class SoftmaxRowProgram implements WebGPUProgram {
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [THREADS, 1, 1];
  readonly uniforms = 'rows : i32, cols : i32, rowsPerMask : i32, scale : f32,';

  constructor(
    readonly shaderKey: string,
    readonly variableNames: string[],
    private readonly body: string,
    rows: number,
    cols: number,
  ) {
    this.outputShape = [rows * cols];
    this.dispatchLayout = webgpu_util.flatDispatchLayout([rows * THREADS]);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, [rows * THREADS], this.workgroupSize);
  }

  getUserCode(): string {
    return `
      ${workgroupArrays(REDUCTIONS, THREADS)}

      fn main(index : i32) {
        let row = index / ${THREADS};
        let valid = row < uniforms.rows;
        let cols = uniforms.cols;
        let lane = i32(localId.x);
        let base = row * cols;
        ${this.body}
      }`;
  }
}

// The mask row: scores [batch, heads, q, k] and mask [batch, 1, 1, k] share the batch, so rows
// batch·heads·q … (batch+1)·heads·q − 1 read mask row `batch`.
const FORWARD = `
        let maskBase = (row / uniforms.rowsPerMask) * cols;
        var localMax = -3.402823466e+38;
        for (var j = lane; j < cols && valid; j = j + ${THREADS}) {
          localMax = max(localMax, scores[base + j] * uniforms.scale + maskBias[maskBase + j]);
        }
        ${workgroupReduce('rowMax', 'localMax', THREADS, 'max')}
        var localSum = 0.0;
        for (var j = lane; j < cols && valid; j = j + ${THREADS}) {
          localSum = localSum + exp(scores[base + j] * uniforms.scale + maskBias[maskBase + j] - rowMax);
        }
        ${workgroupReduce('rowSum', 'localSum', THREADS)}
        for (var j = lane; j < cols && valid; j = j + ${THREADS}) {
          result[base + j] = exp(scores[base + j] * uniforms.scale + maskBias[maskBase + j] - rowMax) / rowSum;
        }`;

const BACKWARD = `
        var localDot = 0.0;
        for (var j = lane; j < cols && valid; j = j + ${THREADS}) {
          localDot = localDot + dy[base + j] * y[base + j];
        }
        ${workgroupReduce('rowDot', 'localDot', THREADS)}
        for (var j = lane; j < cols && valid; j = j + ${THREADS}) {
          result[base + j] = uniforms.scale * (y[base + j] * (dy[base + j] - rowDot));
        }`;

function rowKernel(kernelName: string, shaderKey: string, variableNames: string[], body: string, shapeOf: (named: Record<string, TensorInfo>) => number[]): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const b = backend as WebGPUBackend;
    const named = inputs as Record<string, TensorInfo>;
    const shape = shapeOf(named);
    const cols = shape[shape.length - 1]!;
    const rows = cols === 0 ? 0 : util.sizeFromShape(shape) / cols;
    // heads · queries: the rows that share one mask row (forward only).
    const rowsPerMask = shape.length === 4 ? shape[1]! * shape[2]! : Math.max(rows, 1);
    const flat = (t: TensorInfo): TensorInfo => ({ dataId: t.dataId, shape: [util.sizeFromShape(t.shape)], dtype: t.dtype });
    const out = b.runWebGPUProgram(new SoftmaxRowProgram(shaderKey, variableNames, body, rows, cols), variableNames.map((n) => flat(named[n]!)), 'float32', [
      { type: 'int32', data: [rows] },
      { type: 'int32', data: [cols] },
      { type: 'int32', data: [rowsPerMask] },
      { type: 'float32', data: [(attrs as unknown as AttentionSoftmaxAttrs).scale] },
    ]);
    return { dataId: out.dataId, shape, dtype: 'float32' };
  };
  return { kernelName, backendName: 'webgpu', kernelFunc };
}

export const attentionSoftmaxWebGpuConfig = rowKernel(TL_ATTENTION_SOFTMAX, 'tl_attention_softmax', ['scores', 'maskBias'], FORWARD, (n) => n['scores']!.shape);
export const attentionSoftmaxBackwardWebGpuConfig = rowKernel(TL_ATTENTION_SOFTMAX_BACKWARD, 'tl_attention_softmax_backward', ['dy', 'y'], BACKWARD, (n) => n['y']!.shape);
