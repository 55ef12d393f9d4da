import type { DataType } from '@tensorflow/tfjs-core';

/** dtype codes shared with native/runtime.h (DtypeCode). */
export const DTYPE_CODES = { float32: 0, int32: 1, bool: 2 } as const;
export type NativeDtype = keyof typeof DTYPE_CODES;

const BY_CODE: readonly NativeDtype[] = ['float32', 'int32', 'bool'];

export function dtypeOfCode(code: number): NativeDtype {
  const d = BY_CODE[code];
  if (d === undefined) throw new Error(`unknown native dtype code ${code}`);
  return d;
}

export function isNativeDtype(d: DataType): d is NativeDtype {
  return d === 'float32' || d === 'int32' || d === 'bool';
}

export function dtypeCode(d: DataType): number {
  if (!isNativeDtype(d)) throw new Error(`dtype ${d} is not supported by the libtorch backend (float32, int32, bool are)`);
  return DTYPE_CODES[d];
}
