import { Transpose, type KernelConfig, type KernelFunc, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { overrideKernel } from '../kernel-override.js';
import { asWasm } from './wasm-heap.js';

/**
 * Transpose for wasm that shares the buffer when the permutation moves no data (identity once
 * size-1 axes are ignored).
 *
 * Why: tfjs-backend-wasm 4.22 detects that case but then calls its own copying Identity; the
 * gradient of `gather` transposes the whole embedding-table gradient with an identity permutation
 * twice, so bert-mini copied 30522×256 floats for nothing (109 ms on the loaded benchmark machine).
 * Real permutations keep tfjs's kernel.
 */
function movesNoData(shape: readonly number[], perm: readonly number[]): boolean {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  return kept.every((axis, i) => i === 0 || axis > kept[i - 1]!);
}

export function registerTranspose(): void {
  overrideKernel(Transpose, 'wasm', (original) => {
    const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo => {
      const x = args.inputs['x']!;
      const perm = args.attrs!['perm'] as number[];
      if (x.dtype !== 'string' && movesNoData(x.shape, perm)) {
        asWasm(args.backend).incRef(x.dataId);
        return { dataId: x.dataId, shape: perm.map((axis) => x.shape[axis]!), dtype: x.dtype };
      }
      if (!original) throw new Error(`Transpose (wasm): no kernel for perm [${perm}]`);
      return original.kernelFunc(args as Parameters<KernelFunc>[0]) as TensorInfo;
    };
    const config: KernelConfig = { kernelName: Transpose, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
    if (original?.setupFunc) config.setupFunc = original.setupFunc;
    return config;
  });
}
