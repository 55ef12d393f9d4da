import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TlError } from '../../src/errors/tl-error.js';
import { toFloat32, toInt32 } from '../../src/io/safetensors/convert.js';
import type { RawTensor } from '../../src/io/safetensors/dtype.js';
import { encodeSafetensors, type SafetensorsEntry } from '../../src/io/safetensors/encode.js';
import { parseSafetensors } from '../../src/io/safetensors/parse.js';
import { readSafetensorsFile } from '../../src/io/safetensors/read-file.js';
import { FIXTURE_MODELS, fixtureFile, referenceShapes, safetensorsBytes } from './fixtures.js';

function parseError(bytes: Uint8Array): TlError {
  try {
    parseSafetensors(bytes, 'bad.safetensors');
  } catch (e) {
    expect(e).toBeInstanceOf(TlError);
    expect((e as TlError).code).toBe('SAFETENSORS');
    expect((e as TlError).message.startsWith('bad.safetensors: ')).toBe(true);
    return e as TlError;
  }
  throw new Error('expected parseSafetensors to throw');
}

const f32 = (name: string, shape: number[], offsets: [number, number]) => ({
  [name]: { dtype: 'F32', shape, data_offsets: offsets },
});

describe('parseSafetensors on the HF fixtures', () => {
  it.each(FIXTURE_MODELS)('%s: names and shapes match what PyTorch saved', async (model) => {
    const file = await readSafetensorsFile(fixtureFile(model, 'model.safetensors'));
    expect(file.metadata).toEqual({ format: 'pt' });
    const shapes = new Map([...file.tensors].map(([name, t]) => [name, [...t.shape]]));
    expect(shapes).toEqual(referenceShapes(model));
    for (const t of file.tensors.values()) {
      expect(t.dtype).toBe('F32');
      expect(t.bytes.byteLength).toBe(t.shape.reduce((a, b) => a * b, 1) * 4);
    }
  });

  it.each(FIXTURE_MODELS)('%s: re-encoding reproduces the file byte for byte', (model) => {
    const original = new Uint8Array(readFileSync(fixtureFile(model, 'model.safetensors')));
    const parsed = parseSafetensors(original, model);
    const entries: SafetensorsEntry[] = [...parsed.tensors.values()].map((t) => ({
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      data: t.bytes,
    }));
    expect(Buffer.from(encodeSafetensors(entries, parsed.metadata)).equals(Buffer.from(original))).toBe(true);
  });

  it('tensor bytes are views into the file buffer, not copies', () => {
    const original = new Uint8Array(readFileSync(fixtureFile('bert-cls', 'model.safetensors')));
    const t = parseSafetensors(original, 'bert-cls').tensors.get('bert.embeddings.LayerNorm.weight')!;
    expect(t.bytes.buffer).toBe(original.buffer);
    const values = toFloat32(t);
    expect(values.buffer).toBe(original.buffer); // aligned F32: zero-copy
    expect(values.length).toBe(32);
  });
});

describe('parseSafetensors rejects malformed files with a specific error', () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['file shorter than 8 bytes', new Uint8Array(5), /file is 5 bytes, too short/],
    ['header length above the cap', safetensorsBytes('{}', undefined, 100_000_001n), /header length 100000001 exceeds the 100000000-byte cap/],
    ['header length near 2^64', safetensorsBytes('{}', undefined, 0xffff_ffff_ffff_ffffn), /exceeds the 100000000-byte cap/],
    ['header length past the end', safetensorsBytes('{}', undefined, 1000n), /header length 1000 runs past the end of the file \(10 bytes\)/],
    ['header not UTF-8', safetensorsBytes('{"\xff"}'.replace('\xff', '\u0000'), undefined).map((b, i) => (i === 10 ? 0xff : b)), /not valid UTF-8/],
    ['header not starting with {', safetensorsBytes(' {}'), /does not start with '\{'/],
    ['header an array', safetensorsBytes('[1,2]'), /does not start with '\{'/],
    ['header invalid JSON', safetensorsBytes('{"w": {"dtype": }}'), /bad\.safetensors: header: invalid JSON at line 1, column 17 \(position 16\): value expected/],
    ['empty header', safetensorsBytes(''), /does not start with '\{'/],
    ['metadata value not a string', safetensorsBytes({ __metadata__: { format: 1 } }), /"__metadata__"\."format" is a number, expected a string/],
    ['metadata not an object', safetensorsBytes({ __metadata__: 'pt' }), /"__metadata__" is a string/],
    ['tensor entry not an object', safetensorsBytes({ w: [1] }), /tensor "w": entry is an array/],
    ['unknown dtype', safetensorsBytes({ w: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, new Uint8Array(16)), /tensor "w": unknown dtype "F128"/],
    ['missing dtype', safetensorsBytes({ w: { shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor "w": unknown dtype undefined/],
    ['negative dim', safetensorsBytes({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor "w": shape \[-1\] is not an array of non-negative integers/],
    ['fractional dim', safetensorsBytes({ w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, new Uint8Array(4)), /shape \[1\.5\]/],
    ['unsafe-integer dim', safetensorsBytes('{"w":{"dtype":"F32","shape":[1e300],"data_offsets":[0,4]}}', new Uint8Array(4)), /shape \[1e\+300\]/],
    ['shape not an array', safetensorsBytes({ w: { dtype: 'F32', shape: '4', data_offsets: [0, 4] } }, new Uint8Array(4)), /shape "4" is not an array/],
    ['data_offsets not a pair', safetensorsBytes({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, new Uint8Array(4)), /tensor "w": data_offsets \[0\] is not a pair/],
    ['data_offsets reversed', safetensorsBytes({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, new Uint8Array(4)), /tensor "w": data_offsets \[4, 0\] are not inside the data section of 4 bytes/],
    ['data_offsets past the data', safetensorsBytes(f32('w', [2], [0, 8]), new Uint8Array(4)), /data_offsets \[0, 8\] are not inside the data section of 4 bytes/],
    ['byte length != shape x dtype', safetensorsBytes(f32('w', [3], [0, 8]), new Uint8Array(8)), /tensor "w": shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] hold 8/],
    ['shape product overflow', safetensorsBytes(f32('w', [2 ** 40, 2 ** 40], [0, 8]), new Uint8Array(8)), /needs more than 2\^53 bytes/],
    ['overlapping tensors', safetensorsBytes({ ...f32('a', [2], [0, 8]), ...f32('b', [2], [4, 12]) }, new Uint8Array(12)), /tensor "b" data_offsets \[4, 12\] overlap tensor "a"/],
    ['identical offsets', safetensorsBytes({ ...f32('a', [2], [0, 8]), ...f32('b', [2], [0, 8]) }, new Uint8Array(8)), /overlap tensor "a"/],
    ['gap between tensors', safetensorsBytes({ ...f32('a', [1], [0, 4]), ...f32('b', [1], [8, 12]) }, new Uint8Array(12)), /bytes \[4, 8\) of the data section belong to no tensor \(gap before "b"\)/],
    ['trailing bytes', safetensorsBytes(f32('a', [1], [0, 4]), new Uint8Array(8)), /4 trailing bytes after the last tensor's data/],
  ];
  it.each(cases)('%s', (_what, bytes, message) => {
    expect(parseError(bytes).message).toMatch(message);
  });

  it('accepts zero-sized tensors, a null __metadata__ and a "__proto__" tensor name', () => {
    const header = `{"__metadata__":null,"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"e":{"dtype":"I64","shape":[0,7],"data_offsets":[4,4]}}`;
    const file = parseSafetensors(safetensorsBytes(header, new Uint8Array([0, 0, 128, 63])), 'ok');
    expect(file.metadata).toEqual({});
    expect([...file.tensors.keys()]).toEqual(['__proto__', 'e']);
    expect([...toFloat32(file.tensors.get('__proto__')!)]).toEqual([1]);
    expect(toInt32(file.tensors.get('e')!).length).toBe(0);
  });

  it('reports a missing file as a SAFETENSORS error naming the path', async () => {
    await expect(readSafetensorsFile('/nonexistent/x.safetensors')).rejects.toThrow(
      /^\/nonexistent\/x\.safetensors: cannot read \(ENOENT\)$/,
    );
  });
});

describe('encodeSafetensors', () => {
  it('round-trips every supported element type through parse and the converters', () => {
    const f16Bits = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x0000, 0x8000]);
    const bf16Bits = new Uint16Array([0x3f80, 0xc049, 0x7f80]);
    const entries: SafetensorsEntry[] = [
      { name: 'f32', dtype: 'F32', shape: [2, 2], data: new Float32Array([1.5, -2, 3.25, 1e-8]) },
      { name: 'f64', dtype: 'F64', shape: [3], data: new Float64Array([0.1, -1e300, 7]) },
      { name: 'f16', dtype: 'F16', shape: [8], data: f16Bits },
      { name: 'bf16', dtype: 'BF16', shape: [3], data: bf16Bits },
      { name: 'i64', dtype: 'I64', shape: [3], data: new BigInt64Array([0n, -5n, 2147483647n]) },
      { name: 'i32', dtype: 'I32', shape: [2], data: new Int32Array([-7, 9]) },
      { name: 'u8', dtype: 'U8', shape: [3], data: new Uint8Array([0, 200, 255]) },
      { name: 'mask', dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
      { name: 'i8', dtype: 'I8', shape: [1], data: new Int8Array([-128]) },
    ];
    const bytes = encodeSafetensors(entries, { note: 'tl' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const file = parseSafetensors(bytes, 'roundtrip');
    expect(file.metadata).toEqual({ format: 'pt', note: 'tl' });
    // The reference crate's order: widest dtype first, then by name.
    expect([...file.tensors.keys()]).toEqual(['f64', 'i64', 'f32', 'i32', 'bf16', 'f16', 'i8', 'mask', 'u8']);
    const t = (name: string): RawTensor => file.tensors.get(name)!;
    expect(t('f32').shape).toEqual([2, 2]);
    expect([...toFloat32(t('f32'))]).toEqual([1.5, -2, 3.25, Math.fround(1e-8)]);
    expect([...toFloat32(t('f64'))]).toEqual([Math.fround(0.1), -Infinity, 7]);
    expect([...toFloat32(t('f16'))]).toEqual([1, -2, 65504, 2 ** -24, Infinity, -Infinity, 0, -0]);
    expect([...toFloat32(t('bf16'))]).toEqual([1, -3.140625, Infinity]);
    expect([...toInt32(t('i64'))]).toEqual([0, -5, 2147483647]);
    expect([...toInt32(t('i32'))]).toEqual([-7, 9]);
    expect([...toInt32(t('u8'))]).toEqual([0, 200, 255]);
    expect([...toInt32(t('mask'))]).toEqual([1, 0, 1]);
    expect([...toInt32(t('i8'))]).toEqual([-128]);
  });

  it('converts float16 NaN and subnormals exactly', () => {
    const file = parseSafetensors(
      encodeSafetensors([{ name: 'h', dtype: 'F16', shape: [3], data: new Uint16Array([0x7e00, 0x03ff, 0x3555]) }]),
      'h',
    );
    const [nan, subnormal, third] = toFloat32(file.tensors.get('h')!);
    expect(nan).toBeNaN();
    expect(subnormal).toBe(1023 * 2 ** -24);
    expect(third).toBe(0.333251953125);
  });

  it('decodes tensors at unaligned byte offsets by copying', () => {
    const backing = new Uint8Array(4 * 3 + 1);
    new DataView(backing.buffer).setFloat32(1, 2.5, true);
    new DataView(backing.buffer).setFloat32(5, -1, true);
    new DataView(backing.buffer).setFloat32(9, 0.25, true);
    const raw: RawTensor = { name: 'odd', dtype: 'F32', shape: [3], bytes: backing.subarray(1) };
    expect([...toFloat32(raw)]).toEqual([2.5, -1, 0.25]);
    const i64 = new Uint8Array(17);
    new DataView(i64.buffer).setBigInt64(1, -3n, true);
    new DataView(i64.buffer).setBigInt64(9, 40n, true);
    expect([...toInt32({ name: 'ids', dtype: 'I64', shape: [2], bytes: i64.subarray(1) })]).toEqual([-3, 40]);
  });

  it('refuses int64 values that do not fit int32, naming tensor and index', () => {
    const file = parseSafetensors(
      encodeSafetensors([{ name: 'ids', dtype: 'I64', shape: [2], data: new BigInt64Array([1n, 2n ** 40n]) }]),
      'ids',
    );
    expect(() => toInt32(file.tensors.get('ids')!)).toThrow(/tensor "ids": I64 value 1099511627776 at index 1 does not fit in int32/);
    expect(() => toFloat32(file.tensors.get('ids')!)).toThrow(/tensor "ids": dtype I64 is not a float type/);
  });

  it.each<[string, SafetensorsEntry[], RegExp]>([
    ['duplicate names', [{ name: 'a', dtype: 'U8', shape: [1], data: new Uint8Array(1) }, { name: 'a', dtype: 'U8', shape: [1], data: new Uint8Array(1) }], /tensor "a" appears twice/],
    ['reserved name', [{ name: '__metadata__', dtype: 'U8', shape: [1], data: new Uint8Array(1) }], /reserved/],
    ['wrong array type', [{ name: 'w', dtype: 'F32', shape: [2], data: new Float64Array(1) }], /F32 data must be a Float32Array \(or raw Uint8Array bytes\), got Float64Array/],
    ['wrong length', [{ name: 'w', dtype: 'F32', shape: [3], data: new Float32Array(2) }], /tensor "w": shape \[3\] of F32 needs 12 bytes, data has 8/],
    ['bad shape', [{ name: 'w', dtype: 'F32', shape: [-1], data: new Float32Array(0) }], /shape \[-1\]/],
  ])('rejects %s', (_what, entries, message) => {
    expect(() => encodeSafetensors(entries)).toThrow(message);
  });
});
