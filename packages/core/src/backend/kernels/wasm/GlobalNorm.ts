import * as tf from '@tensorflow/tfjs-core';
import { TL_GLOBAL_NORM, globalNormInputName } from '../../../training/gradients/global-norm-kernel.js';
import { asWasm, heapF32, heapOffset } from './wasm-heap.js';

/**
 * @tl/core's TL_GLOBAL_NORM for wasm: Σx² over every gradient read in place from the heap, summed in
 * double (so closer to the exact norm than the composition's float32 sums), one float32 scalar out.
 *
 * Why: the composition squares each gradient into a new tensor first (another full-size copy of the
 * largest gradient, 94 MB for BERT-base's word embeddings, while wasm's heap stops at 4 GiB) and
 * makes ~2 kernel calls per gradient.
 */
const globalNorm: tf.KernelFunc = ({ inputs, backend }) => {
  const wasm = asWasm(backend);
  const out = wasm.makeOutput([], 'float32');
  const heap = heapF32(wasm);
  let total = 0;
  for (let k = 0; k < Object.keys(inputs).length; k++) {
    const x = (inputs as tf.NamedTensorInfoMap)[globalNormInputName(k)]!;
    const start = heapOffset(wasm, x) >>> 2;
    const end = start + tf.util.sizeFromShape(x.shape);
    // Two accumulators: independent additions pipeline; the order only moves the last bits of a double.
    let s0 = 0;
    let s1 = 0;
    let i = start;
    for (; i + 1 < end; i += 2) {
      s0 += heap[i]! * heap[i]!;
      s1 += heap[i + 1]! * heap[i + 1]!;
    }
    if (i < end) s0 += heap[i]! * heap[i]!;
    total += s0 + s1;
  }
  heap[heapOffset(wasm, out) >>> 2] = Math.sqrt(total);
  return out;
};

export function registerGlobalNorm(): void {
  if (!tf.getKernel(TL_GLOBAL_NORM, 'wasm')) tf.registerKernel({ kernelName: TL_GLOBAL_NORM, backendName: 'wasm', kernelFunc: globalNorm });
}
