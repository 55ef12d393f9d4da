import { Identity, type KernelConfig, type KernelFunc, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { overrideKernel } from '../kernel-override.js';
import { asWasm } from './wasm-heap.js';

/**
 * Identity for wasm that shares the input's buffer (reference-counted) instead of copying it.
 *
 * Why: tfjs-backend-wasm 4.22 copies the whole tensor for Identity, and autograd and the optimizers
 * call it constantly (a bert-tiny training step: 277 Identity calls, 78 ms of copies — 4% of the
 * step). Tensors are immutable, so sharing is what tfjs's cpu backend and wasm's own Reshape do.
 * Strings keep tfjs's kernel.
 */
export function registerIdentity(): void {
  overrideKernel(Identity, 'wasm', (original) => {
    const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: unknown }): TensorInfo => {
      const x = args.inputs['x']!;
      if (x.dtype === 'string') {
        if (!original) throw new Error('Identity (wasm): no kernel for string tensors');
        return original.kernelFunc(args as Parameters<KernelFunc>[0]) as TensorInfo;
      }
      asWasm(args.backend).incRef(x.dataId);
      return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
    };
    const config: KernelConfig = { kernelName: Identity, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
    if (original?.setupFunc) config.setupFunc = original.setupFunc;
    return config;
  });
}
