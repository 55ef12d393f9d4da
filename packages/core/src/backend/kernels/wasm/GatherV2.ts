import {
  backend_util,
  GatherV2,
  type Tensor,
  util,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { overrideKernel } from '../kernel-override.js';
import { asWasm } from './wasm-heap.js';

/**
 * GatherV2 for wasm as slice copies on the heap.
 *
 * Why: tfjs-backend-wasm 4.22's Gather computes strides per element in C++; the bert-tiny
 * embedding lookups (4096 rows of 128 from a 30522-row table, three tables) took 121 ms a step,
 * ~40 ms each. Copying whole rows (`TypedArray.set` over heap views) takes well under 1 ms. It also
 * fixes tfjs-wasm's batchDims > 0, which reads the wrong batch (found by the differential test).
 * Index validation is tfjs's: an index outside [0, axisDim) is an error.
 */
function gatherV2(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const backend = asWasm(args.backend);
  const x = args.inputs['x']!;
  const indices = args.inputs['indices']!;
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') {
    throw new Error(`GatherV2 (wasm): unsupported dtype ${x.dtype} [${x.shape}]`);
  }
  const batchDims = (args.attrs?.['batchDims'] as number | undefined) ?? 0;
  const axis = util.parseAxisParam(args.attrs!['axis'] as number, x.shape)[0]!;
  const info = backend_util.segment_util.collectGatherOpShapeInfo(
    x as unknown as Tensor, indices as unknown as Tensor, axis, batchDims,
  );
  const { batchSize, outerSize, dimSize, sliceSize } = info;
  const count = util.sizeFromShape(indices.shape);
  const perBatch = batchSize === 0 ? 0 : count / batchSize;

  const idx = backend.typedArrayFromHeap(indices);
  for (let i = 0; i < count; i++) {
    const v = idx[i]!;
    if (!(v >= 0 && v < dimSize)) throw new Error(`GatherV2: the index value ${v} is not in [0, ${dimSize - 1}]`);
  }
  const out = backend.makeOutput(info.outputShape, x.dtype);
  if (batchSize * outerSize * perBatch * sliceSize === 0) return out;

  // Views after makeOutput: allocation may grow the heap and detach earlier views.
  const ids = backend.typedArrayFromHeap(indices);
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let r = 0; r < outerSize; r++) {
      const base = (b * outerSize + r) * dimSize * sliceSize;
      for (let i = b * perBatch, end = i + perBatch; i < end; i++) {
        const from = base + ids[i]! * sliceSize;
        if (sliceSize >= 16) {
          dst.set(src.subarray(from, from + sliceSize), o);
          o += sliceSize;
        } else {
          for (let j = 0; j < sliceSize; j++) dst[o++] = src[from + j]!;
        }
      }
    }
  }
  return out;
}

export const gatherV2Config: KernelConfig = {
  kernelName: GatherV2,
  backendName: 'wasm',
  kernelFunc: gatherV2 as unknown as KernelFunc,
};

export function registerGatherV2(): void {
  overrideKernel(GatherV2, 'wasm', () => gatherV2Config);
}
