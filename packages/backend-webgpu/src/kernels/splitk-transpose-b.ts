import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Works around a tfjs-backend-webgpu 4.22 bug: its split-K matmul (chosen when the output is small
 * and the shared dimension ≥ 2000, batch 1 — e.g. x·Wᵀ for a few rows of BERT-base's FFN) enables its
 * vec4 path without checking `transposeB`, and then reads B with the wrong layout (errors of order 1,
 * seen on Dawn/OpenGL and by construction everywhere; MatMulPackedProgram has the `!transposeB`
 * guard). For exactly those calls we transpose B first and call the kernel with transposeB=false.
 */
const SPLIT_K_MIN_INNER = 2000;

function needsExplicitTranspose(a: TensorInfo, b: TensorInfo, transposeB: boolean): boolean {
  if (!transposeB) return false;
  const batch = (s: number[]): number => s.slice(0, -2).reduce((x, y) => x * y, 1);
  const inner = b.shape[b.shape.length - 1]!;
  return Math.max(batch(a.shape), batch(b.shape)) === 1 && inner >= SPLIT_K_MIN_INNER;
}

/** Wraps BatchMatMul or _FusedMatMul (same attrs: transposeA, transposeB) for webgpu. */
export function splitKSafe(original: KernelConfig, transpose: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const attrs = args.attrs as NamedAttrMap & { transposeB: boolean };
    if (!needsExplicitTranspose(a, b, attrs.transposeB)) return original.kernelFunc(args);
    const rank = b.shape.length;
    const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
    const bT = transpose({ inputs: { x: b }, backend: args.backend, attrs: { perm } }) as TensorInfo;
    try {
      return original.kernelFunc({ ...args, inputs: { ...args.inputs, b: bT }, attrs: { ...attrs, transposeB: false } });
    } finally {
      (args.backend as KernelBackend).disposeData(bT.dataId);
    }
  };
  return { ...original, kernelFunc };
}
