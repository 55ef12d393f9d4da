import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { SegmentChunkSumProgram, SegmentCountProgram, SegmentOffsetsProgram, SegmentRowsProgram } from './programs.js';

/**
 * UnsortedSegmentSum for webgpu, the gradient of every `gather` (so of every embedding table).
 *
 * tfjs 4.22's kernel adds each element of x into the output with an emulated float atomic
 * (a compare-exchange loop), after transposing x and before transposing the [vocab × hidden] output
 * back. Its cost is the contention: every row with the same id hits the same cells, and a CAS loop
 * with k contenders costs O(k²) attempts. A BERT batch has thousands of rows per token type (and
 * per [PAD]); on an H200 the three embedding gradients of a BERT-base step took 598 ms of a 797 ms
 * kernel total.
 *
 * This one groups the rows by segment first (a counting sort; no float atomics, no transposes):
 *   1. count rows per segment and give each row its rank (int atomics)     tl_uss_count
 *   2. exclusive prefix sum of the counts → segment offsets                tl_uss_offsets
 *   3. scatter row indices to offsets[id] + rank (CSR order)               tl_uss_rows
 *   4. zero the output; sum chunks of 32 CSR rows per column, storing a   tl_uss_chunk_sum
 *      segment that lies in one chunk and atomically adding the rest
 * Work is O(n·d + S·d) (the zero fill) and at most ⌈rows of a segment / 32⌉ + 1 atomic adds reach a
 * cell, whatever the id distribution.
 *
 * Semantics are tfjs cpu's: ids outside [0, numSegments) contribute nothing (tfjs's webgpu kernel
 * instead wraps ids ≥ numSegments modulo numSegments).
 *
 * Precision: rows of a segment are summed in the order the count pass's atomics ranked them, and
 * chunks of one segment are combined by atomics, so the summation order (not the set of terms)
 * varies between runs: results can differ run to run in the last bits, by about
 * (rows in the segment)·2⁻²⁴·Σ|x|. The tests compare with tfjs cpu at 1e-4 relative (+1e-4 absolute).
 *
 * Handled: float32 x of rank ≥ 1 with 1-D int32 segment ids, one per row of x (what gather's gradient
 * produces, and what tf.unsortedSegmentSum is documented for). Anything else goes to tfjs's kernel.
 */
export function unsortedSegmentSumWebGpu(original: KernelConfig, fill: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = args.attrs as NamedAttrMap & { numSegments: number };
    if (!handles(x, segmentIds, numSegments)) return original.kernelFunc(args);
    const backend = args.backend as WebGPUBackend;
    const numRows = x.shape[0]!;
    const innerShape = x.shape.slice(1);
    const inner = util.sizeFromShape(innerShape);
    const outShape = [numSegments, ...innerShape];
    const zeros = (size: number, dtype: 'int32' | 'float32'): TensorInfo =>
      fill({ inputs: {}, backend, attrs: { shape: [size], value: 0, dtype } }) as TensorInfo;
    if (numRows === 0 || inner === 0 || numSegments === 0) {
      const out = zeros(numSegments * inner, 'float32');
      return { dataId: out.dataId, shape: outShape, dtype: 'float32' };
    }

    const i32 = (v: number) => ({ type: 'int32', data: [v] });
    const countProgram = new SegmentCountProgram(numSegments, numRows);
    const counts = backend.runWebGPUProgram(countProgram, [segmentIds], 'int32', [i32(numSegments), i32(numRows)], zeros(numSegments + numRows, 'int32'));
    const offsets = backend.runWebGPUProgram(new SegmentOffsetsProgram(numSegments), [counts], 'int32', [i32(numSegments)]);
    const rows = backend.runWebGPUProgram(new SegmentRowsProgram(numSegments, numRows), [segmentIds, counts, offsets], 'int32', [i32(numSegments), i32(numRows)]);
    const sumProgram = new SegmentChunkSumProgram(numSegments, numRows, inner);
    const flatX: TensorInfo = { dataId: x.dataId, shape: [numRows * inner], dtype: x.dtype };
    const out = backend.runWebGPUProgram(
      sumProgram,
      [flatX, segmentIds, rows, offsets],
      'float32',
      [i32(numSegments), i32(inner), i32(sumProgram.threads)],
      zeros(numSegments * inner, 'float32'),
    );
    for (const t of [counts, offsets, rows]) backend.disposeData(t.dataId);
    return { dataId: out.dataId, shape: outShape, dtype: 'float32' };
  };
  return { ...original, kernelFunc };
}

/** i32 indexing in the shaders bounds the sizes; other dtypes and id layouts keep tfjs's kernel. */
const MAX_I32 = 2 ** 31 - 1;

function handles(x: TensorInfo, segmentIds: TensorInfo, numSegments: number): boolean {
  if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32') return false;
  if (x.shape.length < 1 || segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) return false;
  const inner = util.sizeFromShape(x.shape.slice(1));
  return Number.isInteger(numSegments) && numSegments >= 0 && numSegments * inner <= MAX_I32 && (x.shape[0]! + numSegments) * Math.max(inner, 1) <= MAX_I32;
}
