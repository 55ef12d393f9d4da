import * as tf from '@tensorflow/tfjs-core';
import { TL_ADAMW_UPDATE, type AdamWKernelAttrs } from '../../../training/optim/adamw-kernel.js';
import { adamwFloat32, adamwFloat32Constants } from '../../../training/optim/adamw-float32.js';
import { TL_ADAMW_UPDATE_MULTI, splitAdamWMultiCall } from '../../../training/optim/adamw-multi-kernel.js';
import { asWasm, heapF32, heapOffset, type WasmBackendInternals } from './wasm-heap.js';

type Tensors = Record<'param' | 'grad' | 'expAvg' | 'expAvgSq', tf.TensorInfo>;

/**
 * @tl/core's AdamW kernels (TL_ADAMW_UPDATE, TL_ADAMW_UPDATE_MULTI) for wasm: one pass in
 * JavaScript over the heap per parameter (training/optim/adamw-float32.ts, the op sequence's bits).
 *
 * Why: the op sequence makes ~12 full-size temporaries per parameter; for BERT-base's 94 MB word
 * embeddings that is ~1.1 GB at once on top of weights, gradients and moments, and wasm's heap
 * stops at 4 GiB (BERT-base could not train at batch 2). Here a parameter costs its three outputs.
 */
function update(backend: WasmBackendInternals, t: Tensors, a: AdamWKernelAttrs): tf.TensorInfo[] {
  const n = tf.util.sizeFromShape(t.param.shape);
  const outs = [0, 1, 2].map(() => backend.makeOutput([...t.param.shape], 'float32'));
  if (n === 0) return outs;
  // Offsets are in bytes; read them after allocating (the heap may have grown and moved).
  const at = (info: tf.TensorInfo): number => heapOffset(backend, info) >>> 2;
  adamwFloat32(
    heapF32(backend),
    { param: at(t.param), grad: at(t.grad), expAvg: at(t.expAvg), expAvgSq: at(t.expAvgSq), paramOut: at(outs[0]!), expAvgOut: at(outs[1]!), expAvgSqOut: at(outs[2]!) },
    n,
    adamwFloat32Constants(a),
  );
  return outs;
}

const single: tf.KernelFunc = ({ inputs, backend, attrs }) =>
  update(asWasm(backend), inputs as unknown as Tensors, attrs as unknown as AdamWKernelAttrs);

const multi: tf.KernelFunc = ({ inputs, backend, attrs }) =>
  splitAdamWMultiCall(inputs, attrs).flatMap((one) => update(asWasm(backend), one.inputs, one.attrs));

export function registerAdamWUpdate(): void {
  for (const [kernelName, kernelFunc] of [[TL_ADAMW_UPDATE, single], [TL_ADAMW_UPDATE_MULTI, multi]] as const) {
    if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
