import {
  engine,
  KernelBackend,
  type BackendTimingInfo,
  type DataId,
  type DataType,
  type TensorInfo,
  type backend_util,
} from '@tensorflow/tfjs-core';
import { DataSlots } from './data-slots.js';
import type { DeviceCode, Handle, LoadedAddon, TorchAddon } from './native/addon.js';
import { dtypeCode, dtypeOfCode } from './native/dtype.js';

/** What the backend keeps per tfjs dataId: a handle into the addon's table (or, for strings, the bytes). */
interface TensorData {
  handle: Handle;
  dtype: DataType;
  refCount: number;
  /** Only for dtype 'string', which stays in JS: no kernel here takes strings. */
  strings?: Uint8Array[];
}

export interface TorchBackendOptions {
  /** -1 for the CPU, n for cuda:n. */
  readonly device: DeviceCode;
  /** Multiply float32 matrices in bfloat16 (CUDA only), as torch.autocast(dtype=torch.bfloat16). */
  readonly autocastBf16?: boolean;
}

/**
 * A tfjs KernelBackend whose tensors are libtorch tensors. tfjs keeps `{}` dataIds; this backend
 * maps each to a handle of the native addon, and kernels (src/kernels) pass handles to ATen ops
 * and read the outputs' shapes back from a shared Int32Array (no JS objects cross the boundary).
 */
export class TorchBackend extends KernelBackend {
  readonly addon: TorchAddon;
  readonly device: DeviceCode;
  /** Matmuls in bf16 (CUDA only); switchable on a live backend, as torch.autocast is per region. */
  autocastBf16: boolean;
  private readonly meta: Int32Array;
  private readonly data: DataSlots<TensorData>;

  constructor(loaded: LoadedAddon, options: TorchBackendOptions) {
    super();
    this.addon = loaded.addon;
    this.meta = loaded.meta;
    this.device = options.device;
    this.autocastBf16 = options.autocastBf16 ?? false;
    this.data = new DataSlots((dataId) => engine().moveData(this, dataId));
  }

  // ---- storage ----------------------------------------------------------------------------------

  override write(values: backend_util.BackendValues, shape: number[], dtype: DataType): DataId {
    const dataId = {};
    this.data.set(dataId, this.store(values, shape, dtype, 1));
    return dataId;
  }

  override move(dataId: DataId, values: backend_util.BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.data.set(dataId, this.store(values, shape, dtype, refCount));
  }

  private store(values: backend_util.BackendValues, shape: number[], dtype: DataType, refCount: number): TensorData {
    if (dtype === 'string') return { handle: -1, dtype, refCount, strings: values as Uint8Array[] };
    if (dtype === 'complex64') throw new Error('complex64 tensors are not supported by the libtorch backend');
    const typed = values as Float32Array | Int32Array | Uint8Array;
    // tfjs makes a rank-0 tensor for every number in an expression (tf.mul(x, 0.5)); the addon keeps
    // those in a table by value, so each is a new handle to a tensor that already exists.
    const handle = shape.length === 0 ? this.addon.writeScalar(typed[0]!, dtypeCode(dtype)) : this.addon.write(typed, shape, dtypeCode(dtype), this.device);
    return { handle, dtype, refCount };
  }

  override readSync(dataId: DataId): backend_util.BackendValues {
    const d = this.data.get(dataId);
    return d.strings ?? this.addon.read(d.handle);
  }

  override async read(dataId: DataId): Promise<backend_util.BackendValues> {
    return this.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const d = this.data.peek(dataId);
    if (d === undefined) return true;
    d.refCount--;
    if (!force && d.refCount > 0) return false;
    if (d.handle >= 0) this.addon.dispose(d.handle);
    this.data.delete(dataId);
    return true;
  }

  override refCount(dataId: DataId): number {
    return this.data.peek(dataId)?.refCount ?? 0;
  }

  override incRef(dataId: DataId): void {
    this.data.get(dataId).refCount++;
  }

  override numDataIds(): number {
    return this.data.size;
  }

  override memory(): { unreliable: boolean; reasons?: string[] } & { liveNativeTensors: number } {
    return { unreliable: false, liveNativeTensors: this.addon.liveHandles() };
  }

  override async time(f: () => void): Promise<BackendTimingInfo> {
    this.addon.synchronize(this.device);
    const start = performance.now();
    f();
    this.addon.synchronize(this.device);
    return { kernelMs: performance.now() - start };
  }

  override floatPrecision(): 16 | 32 {
    return 32;
  }

  override dispose(): void {}

  // ---- for kernels ------------------------------------------------------------------------------

  /** The native handle of a kernel input. */
  handle(t: TensorInfo): Handle {
    const d = this.data.get(t.dataId);
    if (d.handle < 0) throw new Error(`${d.dtype} tensors are not supported by the libtorch backend's kernels`);
    return d.handle;
  }

  handles(ts: readonly TensorInfo[]): Handle[] {
    return ts.map((t) => this.handle(t));
  }

  /** Adopts the single output the last native op described in `meta`. */
  output(): TensorInfo {
    return this.adopt(1);
  }

  /** Adopts every output the last native op described. */
  outputs(): TensorInfo[] {
    const n = this.meta[0]!;
    const out: TensorInfo[] = new Array(n);
    let pos = 1;
    for (let i = 0; i < n; i++) {
      out[i] = this.adopt(pos);
      pos += 3 + this.meta[pos + 2]!;
    }
    return out;
  }

  private adopt(pos: number): TensorInfo {
    const m = this.meta;
    const handle = m[pos]!;
    const dtype = dtypeOfCode(m[pos + 1]!);
    const rank = m[pos + 2]!;
    const shape: number[] = new Array(rank);
    for (let i = 0; i < rank; i++) shape[i] = m[pos + 3 + i]!;
    const dataId = {};
    this.data.set(dataId, { handle, dtype, refCount: 1 });
    return { dataId, shape, dtype };
  }
}
