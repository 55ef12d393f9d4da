import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` (4.22) that tl's kernels use. tfjs's own wasm
 * kernels are written against exactly these members (read a tensor's heap offset from
 * `dataIdMap`, allocate outputs with `makeOutput`, call C++ by `cwrap`); they are typed loosely
 * in the package (`EmscriptenModule`), so this interface states what we rely on.
 */
export interface WasmModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(offset: number): void;
  cwrap(name: string, returnType: null | 'number', argTypes: ReadonlyArray<'number' | 'array'>): (...args: unknown[]) => unknown;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
  };
}

interface TensorData {
  id: number;
  memoryOffset: number;
}

export interface WasmBackendInternals extends KernelBackend {
  wasm: WasmModule;
  dataIdMap: { get(dataId: object): TensorData | undefined };
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
}

export function asWasm(backend: unknown): WasmBackendInternals {
  return backend as WasmBackendInternals;
}

/** The id the C++ side knows a tensor by. */
export function tensorId(backend: WasmBackendInternals, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (!data) throw new Error(`wasm kernel: tensor of shape [${t.shape}] is not on the wasm backend`);
  return data.id;
}

export function heapOffset(backend: WasmBackendInternals, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (!data) throw new Error(`wasm kernel: tensor of shape [${t.shape}] is not on the wasm backend`);
  return data.memoryOffset;
}

/** Float32 view of the whole heap; re-read after any allocation (the heap may grow and move). */
export function heapF32(backend: WasmBackendInternals): Float32Array {
  const u8 = backend.wasm.HEAPU8;
  return new Float32Array(u8.buffer, u8.byteOffset, u8.byteLength >>> 2);
}
