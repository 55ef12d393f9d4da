import { TlError } from '../../errors/tl-error.js';
import type { RawTensor } from './dtype.js';

/**
 * Element decoding for RawTensor bytes. safetensors stores little-endian data at arbitrary byte
 * offsets; typed-array views need their element alignment, so an unaligned tensor is copied once
 * into fresh (aligned) memory before it is viewed.
 */

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function elementCount(raw: RawTensor): number {
  return raw.shape.reduce((a, b) => a * b, 1);
}

/** A Uint8Array over the same bytes whose byteOffset is a multiple of `alignment` (copied if needed). */
function aligned(bytes: Uint8Array, alignment: number): Uint8Array {
  return bytes.byteOffset % alignment === 0 ? bytes : bytes.slice();
}

function assertLittleEndianHost(raw: RawTensor): void {
  if (!LITTLE_ENDIAN_HOST) {
    throw new TlError('SAFETENSORS', `tensor "${raw.name}": big-endian hosts are not supported`);
  }
}

let halfTable: Float32Array | undefined;

/** All 65 536 IEEE binary16 values as float32, built on first use (256 KiB). */
function float16Table(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) table[h] = sign * fraction * 2 ** -24; // zero and subnormals
    else if (exponent === 0x1f) table[h] = fraction === 0 ? sign * Infinity : NaN;
    else table[h] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  halfTable = table;
  return table;
}

/**
 * The tensor's values as float32, from F32, F16, BF16 or F64 storage. For an aligned F32 tensor the
 * result is a view sharing memory with the file (no copy): do not write to it. F64 values are
 * rounded to the nearest float32.
 */
export function toFloat32(raw: RawTensor): Float32Array {
  assertLittleEndianHost(raw);
  const n = elementCount(raw);
  switch (raw.dtype) {
    case 'F32': {
      const b = aligned(raw.bytes, 4);
      return new Float32Array(b.buffer, b.byteOffset, n);
    }
    case 'F64': {
      const b = aligned(raw.bytes, 8);
      return new Float32Array(new Float64Array(b.buffer, b.byteOffset, n));
    }
    case 'F16': {
      const b = aligned(raw.bytes, 2);
      const halves = new Uint16Array(b.buffer, b.byteOffset, n);
      const table = float16Table();
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = table[halves[i]!]!;
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32: shift the bits into place.
      const b = aligned(raw.bytes, 2);
      const halves = new Uint16Array(b.buffer, b.byteOffset, n);
      const out = new Float32Array(n);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = halves[i]! << 16;
      return out;
    }
    default:
      throw new TlError(
        'SAFETENSORS',
        `tensor "${raw.name}": dtype ${raw.dtype} is not a float type (F32, F16, BF16, F64); use toInt32 for integers`,
      );
  }
}

/**
 * The tensor's values as int32, from I32, I64, U32, I16, U16, I8, U8 or BOOL storage. 64-bit and
 * unsigned 32-bit values outside the int32 range are an error naming the tensor and the index
 * (never silently wrapped). Always a copy.
 */
export function toInt32(raw: RawTensor): Int32Array {
  assertLittleEndianHost(raw);
  const n = elementCount(raw);
  const outOfRange = (index: number, value: bigint | number): TlError =>
    new TlError('SAFETENSORS', `tensor "${raw.name}": ${raw.dtype} value ${value} at index ${index} does not fit in int32`);
  switch (raw.dtype) {
    case 'I32': {
      const b = aligned(raw.bytes, 4);
      return new Int32Array(b.buffer, b.byteOffset, n).slice();
    }
    case 'I64':
    case 'U64': {
      // Read each value as (low, high) 32-bit words: it fits in int32 iff high is low's sign extension.
      const b = aligned(raw.bytes, 4);
      const words = new Int32Array(b.buffer, b.byteOffset, 2 * n);
      const out = new Int32Array(n);
      const signed = raw.dtype === 'I64';
      for (let i = 0; i < n; i++) {
        const low = words[2 * i]!;
        const high = words[2 * i + 1]!;
        if (high !== (low < 0 ? -1 : 0) || (!signed && high !== 0)) {
          const value = new DataView(b.buffer, b.byteOffset + 8 * i, 8);
          throw outOfRange(i, signed ? value.getBigInt64(0, true) : value.getBigUint64(0, true));
        }
        out[i] = low;
      }
      return out;
    }
    case 'U32': {
      const b = aligned(raw.bytes, 4);
      const values = new Uint32Array(b.buffer, b.byteOffset, n);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        if (values[i]! > 0x7fffffff) throw outOfRange(i, values[i]!);
        out[i] = values[i]!;
      }
      return out;
    }
    case 'I16':
    case 'U16': {
      const b = aligned(raw.bytes, 2);
      const view = raw.dtype === 'I16' ? new Int16Array(b.buffer, b.byteOffset, n) : new Uint16Array(b.buffer, b.byteOffset, n);
      return Int32Array.from(view);
    }
    case 'I8':
      return Int32Array.from(new Int8Array(raw.bytes.buffer, raw.bytes.byteOffset, n));
    case 'U8':
      return Int32Array.from(raw.bytes.subarray(0, n));
    case 'BOOL':
      return Int32Array.from(raw.bytes.subarray(0, n), (v) => (v === 0 ? 0 : 1));
    default:
      throw new TlError(
        'SAFETENSORS',
        `tensor "${raw.name}": dtype ${raw.dtype} is not an integer type; use toFloat32 for floats`,
      );
  }
}

/**
 * float32 values as IEEE binary16 bits, rounded to nearest, ties to even (what torch's `.half()`
 * does): overflow becomes ±Infinity, tiny values become subnormals or ±0, NaN stays NaN. Used to
 * write F16 checkpoints; reading them back goes through the exact table above.
 */
export function toFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i]!;
    const x = u32[0]!;
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    let mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
      continue;
    }
    const e = exponent - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign; // below half the smallest subnormal: ±0
        continue;
      }
      // Subnormal: shift the implicit leading 1 in, then round the bits shifted out.
      mantissa |= 0x800000;
      const shift = 14 - e;
      const half = 1 << (shift - 1);
      const rest = mantissa & ((1 << shift) - 1);
      let h = mantissa >>> shift;
      if (rest > half || (rest === half && (h & 1) === 1)) h++;
      out[i] = sign | h;
      continue;
    }
    const rest = mantissa & 0x1fff;
    let h = (e << 10) | (mantissa >>> 13);
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++; // may carry into the exponent: still right
    out[i] = sign | h;
  }
  return out;
}
