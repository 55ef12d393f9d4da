import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { TL_GLOBAL_NORM, globalNormInputName } from '@tl/core';

/**
 * The global norm through tfjs's own webgpu kernels (Square and Sum per tensor, then Pack, Sum and
 * Sqrt: the dispatches of core's composition), from one tfjs kernel call instead of ~2 per
 * gradient: tfjs's engine bookkeeping, not the GPU work, is what the composition costs per gradient.
 */
const globalNormWebGpu: KernelFunc = ({ inputs, backend }) => {
  const b = backend as WebGPUBackend;
  const run = (name: string, kernelInputs: NamedTensorInfoMap | TensorInfo[], attrs: Record<string, unknown> = {}): TensorInfo =>
    kernel(name)({ inputs: kernelInputs as NamedTensorInfoMap, backend: b, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
  // Empty tensors add nothing, and tfjs-webgpu 4.22's Sum fails on them (a zero-size buffer).
  const xs = Object.keys(inputs)
    .map((_, i) => (inputs as NamedTensorInfoMap)[globalNormInputName(i)]!)
    .filter((x) => tf.util.sizeFromShape(x.shape) > 0);
  if (xs.length === 0) return run(tf.Fill, [], { shape: [], value: 0, dtype: 'float32' });
  const n = xs.length;
  const sums: TensorInfo[] = [];
  const temporaries: TensorInfo[] = [];
  try {
    for (const x of xs) {
      const squared = run(tf.Square, { x });
      temporaries.push(squared);
      sums.push(run(tf.Sum, { x: squared }, { axis: [...x.shape.keys()], keepDims: false }));
    }
    temporaries.push(...sums);
    let total = sums[0]!;
    if (n > 1) {
      const stacked = run(tf.Pack, sums, { axis: 0 });
      temporaries.push(stacked);
      total = run(tf.Sum, { x: stacked }, { axis: [0], keepDims: false });
      temporaries.push(total);
    }
    return run(tf.Sqrt, { x: total });
  } finally {
    for (const t of temporaries) b.disposeData(t.dataId);
  }
};

function kernel(name: string): KernelFunc {
  const k = tf.getKernel(name, 'webgpu');
  if (!k) throw new Error(`tfjs-backend-webgpu registers no ${name} kernel (version mismatch?)`);
  return k.kernelFunc;
}

/** @tl/core's TL_GLOBAL_NORM (contract in core's training/gradients/global-norm-kernel.ts) for webgpu. */
export const globalNormWebGpuConfig: KernelConfig = { kernelName: TL_GLOBAL_NORM, backendName: 'webgpu', kernelFunc: globalNormWebGpu };
