import { Cast, type DataType, type KernelConfig, type KernelFunc, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { overrideKernel } from '../kernel-override.js';
import { asWasm } from './wasm-heap.js';

/**
 * Cast for wasm that shares the buffer when the dtype does not change.
 *
 * Why: tfjs-backend-wasm 4.22's Cast copies even float32 → float32, and tfjs ops cast defensively
 * (`moments`, `mean`, losses): a bert-mini training step made 45 same-dtype casts of [4096, 256]
 * (322 ms on the loaded benchmark machine). Real conversions keep tfjs's kernel.
 */
export function registerCast(): void {
  overrideKernel(Cast, 'wasm', (original) => {
    const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo => {
      const x = args.inputs['x']!;
      const dtype = args.attrs!['dtype'] as DataType;
      if (dtype === x.dtype && dtype !== 'string') {
        asWasm(args.backend).incRef(x.dataId);
        return { dataId: x.dataId, shape: [...x.shape], dtype };
      }
      if (!original) throw new Error(`Cast (wasm): no kernel for ${x.dtype} → ${dtype}`);
      return original.kernelFunc(args as Parameters<KernelFunc>[0]) as TensorInfo;
    };
    const config: KernelConfig = { kernelName: Cast, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
    if (original?.setupFunc) config.setupFunc = original.setupFunc;
    return config;
  });
}
