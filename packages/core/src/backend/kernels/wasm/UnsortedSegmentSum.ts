import { UnsortedSegmentSum, util, type KernelConfig, type KernelFunc, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { overrideKernel } from '../kernel-override.js';
import { asWasm } from './wasm-heap.js';

/**
 * UnsortedSegmentSum for wasm. Why: tfjs-backend-wasm 4.22 does not register it, and it is the
 * gradient of `gather` — so of every embedding lookup — so without it no model with embeddings can
 * train on wasm ("Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'").
 *
 * A scatter-add in JavaScript straight on the wasm heap: rows of `x` are added into row
 * `segmentIds[i]` of a zeroed output. Ids outside [0, numSegments) are dropped, as tfjs's cpu
 * kernel drops them (it sums `x` where `segmentIds == s` for each s in range). Measured: the
 * bert-mini word-embedding gradient (4096 rows of 256 into 30522×256) takes ~10 ms, mostly the
 * zero fill of the 31 MB output.
 *
 * The output keeps `x`'s dtype (TensorFlow's semantics; tfjs cpu returns float32 for int32 `x`).
 */
function unsortedSegmentSum(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const backend = asWasm(args.backend);
  const x = args.inputs['x']!;
  const segmentIds = args.inputs['segmentIds']!;
  const numSegments = args.attrs!['numSegments'] as number;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum (wasm): x must be float32 or int32, got ${x.dtype} [${x.shape}]`);
  }
  if (segmentIds.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum (wasm): segmentIds must be int32, got ${segmentIds.dtype}`);
  }
  const idRank = segmentIds.shape.length;
  if (!util.arraysEqual(x.shape.slice(0, idRank), segmentIds.shape)) {
    throw new Error(
      `UnsortedSegmentSum (wasm): segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
    );
  }
  const rowShape = x.shape.slice(idRank);
  const rowSize = util.sizeFromShape(rowShape);
  const out = backend.makeOutput([numSegments, ...rowShape], x.dtype);
  if (numSegments * rowSize === 0) return out;

  // Views are taken after makeOutput: an allocation may grow (and so detach) the wasm heap.
  const dst = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  dst.fill(0);
  const n = util.sizeFromShape(segmentIds.shape);
  if (n === 0 || rowSize === 0) return out;
  const src = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  for (let i = 0; i < n; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const from = i * rowSize;
    const to = s * rowSize;
    for (let j = 0; j < rowSize; j++) dst[to + j] += src[from + j];
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};

export function registerUnsortedSegmentSum(): void {
  overrideKernel(UnsortedSegmentSum, 'wasm', () => unsortedSegmentSumConfig);
}
