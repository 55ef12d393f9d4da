import {
  BatchMatMul,
  backend_util,
  getKernel,
  Transpose,
  util,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { overrideKernel } from '../kernel-override.js';
import { asWasm, heapOffset, registerView, releaseView, tensorId, type WasmBackendInternals } from './wasm-heap.js';

/**
 * BatchMatMul for wasm that always lands on XNNPACK's GEMM.
 *
 * Why: tfjs-backend-wasm 4.22's C++ BatchMatMul uses XNNPACK only when both operands are 2-D
 * (batch 1) and neither is transposed; everything else goes to a naive blocked triple loop. On this
 * machine (2-core x86, Node 20, SIMD build) that loop ran 1.6–3.5 GFLOP/s against ~40 for XNNPACK.
 * Training hits it constantly: every weight gradient of x·Wᵀ is dYᵀ·X (transposeA) and every
 * forward linear layer with torch-layout weights is X·Wᵀ (transposeB); attention's Q·Kᵀ and P·V are
 * batched (batch × heads matrices of seq×seq).
 *
 * So: a transposed operand is transposed once explicitly (tfjs's wasm Transpose, memory-bound and
 * cheap next to the product), then the product runs on the fast path — in one call when `b` has no
 * batch (a's batch rows stack into one tall matrix), otherwise one call per batch matrix on
 * zero-copy views into the batched tensors (C++ tensor ids registered over slices of the heap).
 * Batch dimensions broadcast as tfjs's `matMul` defines. Numbers: see bench/train-step.ts and the
 * report in kernels/wasm/README.md.
 */

type RawBatchMatMul = (
  aId: number, aShape: Uint8Array, aRank: number,
  bId: number, bShape: Uint8Array, bRank: number,
  transposeA: boolean, transposeB: boolean, outId: number,
) => void;

/** The C++ kernel, bound once per backend instance (lazily: the backend may predate the override). */
const rawKernels = new WeakMap<WasmBackendInternals, RawBatchMatMul>();
function rawBatchMatMul(backend: WasmBackendInternals): RawBatchMatMul {
  let f = rawKernels.get(backend);
  if (!f) {
    f = backend.wasm.cwrap(BatchMatMul, null, [
      'number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number',
    ]) as unknown as RawBatchMatMul;
    rawKernels.set(backend, f);
  }
  return f;
}

function shapeBytes(shape: readonly number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/** x with its last two axes swapped, materialised by tfjs's wasm Transpose kernel. */
function swapLastTwo(backend: WasmBackendInternals, x: TensorInfo): TensorInfo {
  const transpose = getKernel(Transpose, 'wasm');
  if (!transpose) throw new Error('BatchMatMul (wasm): the wasm Transpose kernel is not registered');
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
}

/** For each flat output batch index, the flat batch index of an operand that broadcasts to it. */
function broadcastBatchIndex(operandBatch: readonly number[], outBatch: readonly number[]): Int32Array {
  const total = util.sizeFromShape(outBatch as number[]);
  const padded = [...Array(outBatch.length - operandBatch.length).fill(1), ...operandBatch];
  const strides = new Array<number>(padded.length);
  let s = 1;
  for (let d = padded.length - 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 ? 0 : s;
    s *= padded[d];
  }
  const index = new Int32Array(total);
  for (let o = 0; o < total; o++) {
    let rest = o;
    let i = 0;
    for (let d = outBatch.length - 1; d >= 0; d--) {
      const od = outBatch[d];
      i += (rest % od) * strides[d];
      rest = Math.floor(rest / od);
    }
    index[o] = i;
  }
  return index;
}

function batchMatMul(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const backend = asWasm(args.backend);
  const a = args.inputs['a']!;
  const b = args.inputs['b']!;
  const transposeA = Boolean(args.attrs?.['transposeA']);
  const transposeB = Boolean(args.attrs?.['transposeB']);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new Error(`BatchMatMul (wasm): only float32 is supported, got ${a.dtype} [${a.shape}] × ${b.dtype} [${b.shape}]`);
  }
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const kA = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const kB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  if (kA !== kB) {
    throw new Error(
      `BatchMatMul (wasm): inner dimensions ${kA} and ${kB} of [${a.shape}] and [${b.shape}] ` +
        `(transposeA=${transposeA}, transposeB=${transposeB}) must match`,
    );
  }
  const k = kA;
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const outBatch = backend_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const out = backend.makeOutput([...outBatch, m, n], 'float32');
  const outCount = util.sizeFromShape(outBatch);
  if (outCount * m * n === 0) return out;
  if (k === 0) {
    (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
    return out;
  }

  const at = transposeA ? swapLastTwo(backend, a) : a;
  const bt = transposeB ? swapLastTwo(backend, b) : b;
  try {
    const raw = rawBatchMatMul(backend);
    const aCount = util.sizeFromShape(aBatch);
    const bCount = util.sizeFromShape(bBatch);
    if (bCount === 1) {
      // b is one matrix: a's batch stacks into a single (aCount·m) × k product.
      raw(
        tensorId(backend, at), shapeBytes([1, aCount * m, k]), 3,
        tensorId(backend, bt), shapeBytes([1, k, n]), 3,
        false, false, tensorId(backend, out),
      );
    } else {
      const aIndex = broadcastBatchIndex(aBatch, outBatch);
      const bIndex = broadcastBatchIndex(bBatch, outBatch);
      const aBase = heapOffset(backend, at);
      const bBase = heapOffset(backend, bt);
      const outBase = heapOffset(backend, out);
      const aShape = shapeBytes([1, m, k]);
      const bShape = shapeBytes([1, k, n]);
      for (let o = 0; o < outCount; o++) {
        const aView = registerView(backend, aBase + aIndex[o] * m * k * 4, m * k);
        const bView = registerView(backend, bBase + bIndex[o] * k * n * 4, k * n);
        const outView = registerView(backend, outBase + o * m * n * 4, m * n);
        raw(aView, aShape, 3, bView, bShape, 3, false, false, outView);
        releaseView(backend, aView);
        releaseView(backend, bView);
        releaseView(backend, outView);
      }
    }
  } finally {
    if (at !== a) backend.disposeData(at.dataId);
    if (bt !== b) backend.disposeData(bt.dataId);
  }
  return out;
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as KernelFunc,
};

export function registerBatchMatMul(): void {
  overrideKernel(BatchMatMul, 'wasm', () => batchMatMulConfig);
}
