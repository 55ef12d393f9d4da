import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { TL_ATTENTION_SOFTMAX, TL_ATTENTION_SOFTMAX_BACKWARD, type AttentionSoftmaxAttrs } from '@tl/core';
import { ROW_THREADS as THREADS, runRowProgram, workgroupReduce } from '../row-program.js';

/**
 * @tl/core's attention-softmax kernels (contract in core's nn/attention-softmax-kernel.ts) for
 * webgpu: one workgroup of 64 invocations per row of scores (a query's keys), reductions in
 * workgroup memory. Forward: softmax(scores · scale + mask) with the row maximum subtracted, in
 * place of tfjs's Multiply (of q), Add (the mask) and Softmax; backward: scale · y · (dy − Σ dy·y)
 * in place of the Multiply, Sum, Multiply, Sub of tfjs's softmax gradient and the Multiply of the
 * scale's — 1 dispatch each way instead of 3 and 5, per layer.
 */
const REDUCTIONS = ['rowMax', 'rowSum', 'rowDot'] as const;

// The mask row: scores [batch, heads, q, k] and mask [batch, 1, 1, k] share the batch, so rows
// batch·heads·q … (batch+1)·heads·q − 1 read mask row `batch`.
const FORWARD = `
        let maskBase = (row / uniforms.rowsPerMask) * cols;
        var localMax = -3.402823466e+38;
        for (var j = lane; j < cols && valid; j = j + ${THREADS}) {
          localMax = max(localMax, scores[base + j] * uniforms.scale + maskBias[maskBase + j]);
        }
        ${workgroupReduce('rowMax', 'localMax', 'max')}
        var localSum = 0.0;
        for (var j = lane; j < cols && valid; j = j + ${THREADS}) {
          localSum = localSum + exp(scores[base + j] * uniforms.scale + maskBias[maskBase + j] - rowMax);
        }
        ${workgroupReduce('rowSum', 'localSum')}
        for (var j = lane; j < cols && valid; j = j + ${THREADS}) {
          result[base + j] = exp(scores[base + j] * uniforms.scale + maskBias[maskBase + j] - rowMax) / rowSum;
        }`;

const BACKWARD = `
        var localDot = 0.0;
        for (var j = lane; j < cols && valid; j = j + ${THREADS}) {
          localDot = localDot + dy[base + j] * y[base + j];
        }
        ${workgroupReduce('rowDot', 'localDot')}
        for (var j = lane; j < cols && valid; j = j + ${THREADS}) {
          result[base + j] = uniforms.scale * (y[base + j] * (dy[base + j] - rowDot));
        }`;

function rowKernel(kernelName: string, shaderKey: string, variableNames: string[], body: string, shapeOf: (named: Record<string, TensorInfo>) => number[]): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const named = inputs as Record<string, TensorInfo>;
    const shape = shapeOf(named);
    // heads · queries: the rows that share one mask row (the forward's; the backward ignores it).
    const rowsPerMask = shape.length === 4 ? Math.max(shape[1]! * shape[2]!, 1) : 1;
    const spec = { shaderKey, variableNames, reductions: REDUCTIONS, body, uniforms: 'rowsPerMask : i32, scale : f32,' };
    return runRowProgram(backend as WebGPUBackend, spec, variableNames.map((n) => named[n]!), shape, [
      { type: 'int32', data: [rowsPerMask] },
      { type: 'float32', data: [(attrs as unknown as AttentionSoftmaxAttrs).scale] },
    ]);
  };
  return { kernelName, backendName: 'webgpu', kernelFunc };
}

export const attentionSoftmaxWebGpuConfig = rowKernel(TL_ATTENTION_SOFTMAX, 'tl_attention_softmax', ['scores', 'maskBias'], FORWARD, (n) => n['scores']!.shape);
export const attentionSoftmaxBackwardWebGpuConfig = rowKernel(TL_ATTENTION_SOFTMAX_BACKWARD, 'tl_attention_softmax_backward', ['dy', 'y'], BACKWARD, (n) => n['y']!.shape);
