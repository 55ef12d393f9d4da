/**
 * The element types a safetensors header may name, with their width in bytes. This is the set the
 * reference Rust crate accepts for whole-byte types; sub-byte types (F4, F6_*) are not supported and
 * are rejected as unknown rather than misread.
 */
export const SAFETENSORS_DTYPE_SIZES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
} as const satisfies Record<string, number>;

export type SafetensorsDType = keyof typeof SAFETENSORS_DTYPE_SIZES;

export function isSafetensorsDType(value: unknown): value is SafetensorsDType {
  return typeof value === 'string' && Object.hasOwn(SAFETENSORS_DTYPE_SIZES, value);
}

export function dtypeByteSize(dtype: SafetensorsDType): number {
  return SAFETENSORS_DTYPE_SIZES[dtype];
}

/** One tensor of a safetensors file: its header entry and a view (not a copy) of its bytes. */
export interface RawTensor {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** Little-endian element bytes, a view into the file's buffer: treat as read-only. */
  readonly bytes: Uint8Array;
}

export interface SafetensorsFile {
  /** The `__metadata__` string map (empty when the header has none). */
  readonly metadata: Record<string, string>;
  /** Tensors by name, in the order of their data offsets. */
  readonly tensors: Map<string, RawTensor>;
}
