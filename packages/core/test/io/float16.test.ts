import { describe, expect, it } from 'vitest';
import { toFloat16Bits, toFloat32 } from '@tl/core';

const half = (bits: Uint16Array) => toFloat32({ name: 'x', dtype: 'F16', shape: [bits.length], bytes: new Uint8Array(bits.buffer) });

describe('toFloat16Bits (float32 → IEEE binary16, round to nearest even)', () => {
  it('gives the bits torch .half() gives at the edges: ties to even, overflow, subnormals, NaN', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2.5, 0xc100], [0.1, 0x2e66], [1 / 3, 0x3555],
      [65504, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00], [-Infinity, 0xfc00],
      [1.00048828125, 0x3c00], [1.00146484375, 0x3c02], [1.0009765625, 0x3c01],
      [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -25, 0x0000], [1.5 * 2 ** -24, 0x0002], [1023 * 2 ** -24, 0x03ff],
    ];
    const bits = toFloat16Bits(new Float32Array(cases.map(([x]) => x)));
    cases.forEach(([x, want], i) => expect(bits[i], `${x}`).toBe(want));
    expect(half(toFloat16Bits(new Float32Array([NaN])))[0]).toBeNaN();
  });

  it('round-trips every finite half value exactly', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const values = half(all);
    const back = toFloat16Bits(values);
    for (let h = 0; h < 65536; h++) {
      if (Number.isNaN(values[h])) continue;
      if (back[h] !== h) throw new Error(`half 0x${h.toString(16)} (${values[h]}) came back as 0x${back[h]!.toString(16)}`);
    }
  });
});
