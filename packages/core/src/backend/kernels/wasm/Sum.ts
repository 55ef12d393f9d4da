import {
  backend_util,
  Sum,
  util,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { overrideKernel } from '../kernel-override.js';
import { simdKernels } from './simd/simd-module.js';
import { asWasm, heapOffset } from './wasm-heap.js';

/**
 * Sum for wasm over any set of *adjacent* axes without a transpose (simd/ `sumAxis`).
 *
 * Why: tfjs-backend-wasm 4.22 transposes the input so the reduced axes come last, then reduces.
 * Training sums over the leading (token) axis all the time — every bias gradient and LayerNorm
 * γ/β gradient is Σ over 4096 rows — so each paid a full transposed copy: bert-tiny's 35 sums of
 * [4096, 128] took 231 ms a step (6.6 ms each). Viewing x as [outer, reduced, inner] and streaming
 * rows into a cached output row needs no copy. Non-adjacent axes and non-float32 keep tfjs's kernel.
 */
function adjacentAxes(axes: number[]): boolean {
  const sorted = [...axes].sort((p, q) => p - q);
  return sorted.every((a, i) => i === 0 || a === sorted[i - 1]! + 1);
}

export function registerSum(): void {
  overrideKernel(Sum, 'wasm', (original) => {
    const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo => {
      const x = args.inputs['x']!;
      const axes = util.parseAxisParam(args.attrs!['axis'] as number | number[], x.shape);
      if (x.dtype !== 'float32' || axes.length === 0 || !adjacentAxes(axes)) {
        if (!original) throw new Error(`Sum (wasm): unsupported dtype ${x.dtype} or axes [${axes}]`);
        return original.kernelFunc(args as Parameters<KernelFunc>[0]) as TensorInfo;
      }
      const backend = asWasm(args.backend);
      const keepDims = Boolean(args.attrs!['keepDims']);
      const first = Math.min(...axes);
      const last = Math.max(...axes);
      const outer = util.sizeFromShape(x.shape.slice(0, first));
      const red = util.sizeFromShape(x.shape.slice(first, last + 1));
      const inner = util.sizeFromShape(x.shape.slice(last + 1));
      const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
      const out = backend.makeOutput(keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape, 'float32');
      if (outer * inner === 0) return out;
      if (red === 0) {
        (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
        return out;
      }
      simdKernels(backend).sumAxis(heapOffset(backend, x), heapOffset(backend, out), outer, red, inner);
      return out;
    };
    const config: KernelConfig = { kernelName: Sum, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
    if (original?.setupFunc) config.setupFunc = original.setupFunc;
    return config;
  });
}
