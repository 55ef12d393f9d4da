import * as tf from '@tensorflow/tfjs-core';
import { TlError } from './tl-error.js';

/**
 * How tfjs-backend-wasm fails when its heap is full. WebAssembly memory is 32-bit, so the heap
 * stops at 4 GiB; what breaks then depends on where: emscripten's malloc aborts (`Aborted()`), a
 * size computed past the heap reads out of bounds (`memory access out of bounds`), or the JS side
 * cannot make the array (`Invalid typed array length`, `Array buffer allocation failed`, `offset is
 * out of bounds`). None of these names memory, so a user who trains BERT-base on the default
 * backend would see "RuntimeError: Aborted(). Build with -sASSERTIONS for more info." and no hint.
 */
const WASM_FAILURES = [
  /^Aborted\(/,
  /memory access out of bounds/,
  /Cannot enlarge memory/,
  /Invalid typed array length/,
  /Array buffer allocation failed/,
  /offset is out of bounds/,
];

/** WebAssembly's heap limit (32-bit addresses). */
const WASM_HEAP_LIMIT = 4 * 2 ** 30;

/**
 * A TlError that says the active backend most likely ran out of memory and what to do, when `error`
 * is one of the ways tfjs-backend-wasm fails then; otherwise undefined. The Trainer and the CLI pass
 * every failure through it.
 */
export function explainOutOfMemory(error: unknown): TlError | undefined {
  if (!(error instanceof Error) || error instanceof TlError || tf.getBackend() !== 'wasm') return undefined;
  if (!WASM_FAILURES.some((pattern) => pattern.test(error.message))) return undefined;
  const heap = wasmHeapBytes();
  const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  return new TlError(
    'BACKEND',
    `the wasm backend most likely ran out of memory (${error.message.split('\n')[0]}): its heap had grown to ` +
      `${heap === undefined ? 'an unknown size' : gib(heap)}, and WebAssembly's limit is ${gib(WASM_HEAP_LIMIT)}. ` +
      'Lower the batch size or the sequence length (gradient accumulation keeps the effective batch), ' +
      'or use a backend without that limit: torch-cpu (@tl/backend-cuda), cpu, or a GPU',
    { cause: error },
  );
}

function wasmHeapBytes(): number | undefined {
  try {
    const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
    return wasm?.HEAPU8?.length;
  } catch {
    return undefined;
  }
}
