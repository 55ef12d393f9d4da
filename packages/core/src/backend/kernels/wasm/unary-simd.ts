import { util, type KernelConfig, type KernelFunc, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { overrideKernel } from '../kernel-override.js';
import { simdKernels, type SimdKernels } from './simd/simd-module.js';
import { asWasm, heapOffset } from './wasm-heap.js';

/**
 * Registers a float32 unary kernel that runs one of tl's SIMD loops; other dtypes keep tfjs's kernel
 * (its setup is chained so it stays usable).
 */
export function overrideUnaryF32(kernelName: string, loop: 'expF32' | 'erfF32'): void {
  overrideKernel(kernelName, 'wasm', (original) => {
    const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: unknown }): TensorInfo => {
      const x = args.inputs['x']!;
      if (x.dtype !== 'float32') {
        if (!original) throw new Error(`${kernelName} (wasm): unsupported dtype ${x.dtype}`);
        return original.kernelFunc(args as Parameters<KernelFunc>[0]) as TensorInfo;
      }
      const backend = asWasm(args.backend);
      const out = backend.makeOutput([...x.shape], 'float32');
      const size = util.sizeFromShape(x.shape);
      if (size > 0) {
        const kernels: SimdKernels = simdKernels(backend);
        kernels[loop](heapOffset(backend, x), heapOffset(backend, out), size);
      }
      return out;
    };
    const config: KernelConfig = { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
    if (original?.setupFunc) config.setupFunc = original.setupFunc;
    return config;
  });
}
