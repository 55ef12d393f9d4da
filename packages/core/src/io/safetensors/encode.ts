import { TlError } from '../../errors/tl-error.js';
import { dtypeByteSize, isSafetensorsDType, type SafetensorsDType } from './dtype.js';

/** One tensor to write. `data` holds exactly product(shape) elements of `dtype`, little-endian. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /**
   * The typed array matching the dtype (Float32Array for F32, BigInt64Array for I64, Uint16Array
   * holding the raw bits for F16/BF16, ...), or a Uint8Array of raw bytes for any dtype.
   */
  readonly data: ArrayBufferView;
}

type TypedArrayConstructor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** The typed array that holds each dtype's elements (besides raw Uint8Array bytes, always allowed). */
const ARRAY_FOR_DTYPE: Record<SafetensorsDType, TypedArrayConstructor> = {
  BOOL: Uint8Array,
  U8: Uint8Array,
  I8: Int8Array,
  F8_E5M2: Uint8Array,
  F8_E4M3: Uint8Array,
  I16: Int16Array,
  U16: Uint16Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I32: Int32Array,
  U32: Uint32Array,
  F32: Float32Array,
  F64: Float64Array,
  I64: BigInt64Array,
  U64: BigUint64Array,
};

const METADATA_KEY = '__metadata__';

/**
 * Serialises tensors to the safetensors format, laid out as the reference Rust crate writes them
 * (which is what HF `save_file` produces): tensors ordered by dtype width (widest first) then name,
 * contiguous data, `__metadata__` first in a compact JSON header padded with spaces so the data
 * section starts 8-byte aligned. `metadata` is merged over `{ format: 'pt' }`, the marker
 * transformers checks when loading.
 */
export function encodeSafetensors(
  entries: readonly SafetensorsEntry[],
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const fail = (what: string): TlError => new TlError('SAFETENSORS', `encodeSafetensors: ${what}`);

  const seen = new Set<string>();
  for (const entry of entries) validateEntry(entry, seen, fail);
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw fail(`metadata "${key}" must be a string, got ${typeof value}`);
  }

  const ordered = [...entries].sort(
    (a, b) => dtypeByteSize(b.dtype) - dtypeByteSize(a.dtype) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );

  const header: Record<string, unknown> = {};
  Object.defineProperty(header, METADATA_KEY, {
    value: { format: 'pt', ...metadata },
    enumerable: true,
    writable: true,
    configurable: true,
  });
  let offset = 0;
  for (const entry of ordered) {
    const begin = offset;
    offset += entry.data.byteLength;
    // defineProperty: a tensor named "__proto__" must stay an ordinary key.
    Object.defineProperty(header, entry.name, {
      value: { dtype: entry.dtype, shape: [...entry.shape], data_offsets: [begin, offset] },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + headerLength);
  let cursor = 8 + headerLength;
  for (const entry of ordered) {
    out.set(new Uint8Array(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength), cursor);
    cursor += entry.data.byteLength;
  }
  return out;
}

function validateEntry(entry: SafetensorsEntry, seen: Set<string>, fail: (what: string) => TlError): void {
  const { name, dtype, shape, data } = entry;
  if (typeof name !== 'string' || name.length === 0) throw fail('every tensor needs a non-empty name');
  if (name === METADATA_KEY) throw fail(`"${METADATA_KEY}" is reserved and cannot name a tensor`);
  if (seen.has(name)) throw fail(`tensor "${name}" appears twice`);
  seen.add(name);
  if (!isSafetensorsDType(dtype)) throw fail(`tensor "${name}": unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw fail(`tensor "${name}": shape ${JSON.stringify(shape)} is not an array of non-negative integers`);
  }
  if (!ArrayBuffer.isView(data)) throw fail(`tensor "${name}": data is not a typed array`);
  const wanted = ARRAY_FOR_DTYPE[dtype];
  if (!(data instanceof Uint8Array) && !(data instanceof wanted)) {
    throw fail(
      `tensor "${name}": ${dtype} data must be a ${wanted.name} (or raw Uint8Array bytes), got ${data.constructor.name}`,
    );
  }
  const expected = shape.reduce((a, b) => a * b, 1) * dtypeByteSize(dtype);
  if (data.byteLength !== expected) {
    throw fail(
      `tensor "${name}": shape [${shape.join(', ')}] of ${dtype} needs ${expected} bytes, data has ${data.byteLength}`,
    );
  }
}
