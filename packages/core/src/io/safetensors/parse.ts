import { TlError } from '../../errors/tl-error.js';
import { parseJsonText, isJsonObject, jsonTypeName } from '../json/parse-json.js';
import {
  dtypeByteSize,
  isSafetensorsDType,
  SAFETENSORS_DTYPE_SIZES,
  type RawTensor,
  type SafetensorsDType,
  type SafetensorsFile,
} from './dtype.js';

/** The header size cap of the reference implementation: a larger header is refused unread. */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';

interface TensorSpan {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses a safetensors file held in memory. Tensor bytes are views into `bytes` (no copy).
 *
 * Validation follows the reference Rust crate: header length within the cap and the file; UTF-8 JSON
 * object header; known dtypes; shapes of non-negative safe integers; `data_offsets` inside the data
 * section; byte length = product(shape) × dtype size; and the tensors must tile the data section
 * exactly (no overlap, no gap, no trailing bytes). Nothing is allocated from a size the file claims
 * before that size is checked against the file's real length, so a hostile file costs at most the
 * header's own size. Every failure is a TlError('SAFETENSORS') naming `source` and the tensor.
 */
export function parseSafetensors(bytes: Uint8Array, source: string): SafetensorsFile {
  const fail = (what: string): TlError => new TlError('SAFETENSORS', `${source}: ${what}`);

  if (bytes.byteLength < 8) {
    throw fail(`file is ${bytes.byteLength} bytes, too short for the 8-byte header length`);
  }
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    throw fail(`header length ${declared} exceeds the ${SAFETENSORS_MAX_HEADER_BYTES}-byte cap`);
  }
  const headerLength = Number(declared);
  if (8 + headerLength > bytes.byteLength) {
    throw fail(`header length ${headerLength} runs past the end of the file (${bytes.byteLength} bytes)`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;

  const header = decodeHeader(bytes.subarray(8, dataStart), source, fail);
  const metadata = readMetadata(header[METADATA_KEY], fail);

  const spans: TensorSpan[] = [];
  for (const name of Object.keys(header)) {
    if (name === METADATA_KEY) continue;
    spans.push(readTensorSpan(name, header[name], dataLength, fail));
  }

  // The tensors must tile [0, dataLength) exactly: sort by offsets and walk a cursor.
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: TensorSpan | undefined;
  for (const span of spans) {
    if (span.begin < cursor) {
      throw fail(
        `tensor "${span.name}" data_offsets [${span.begin}, ${span.end}] overlap tensor "${previous?.name}" ` +
          `(which ends at ${cursor})`,
      );
    }
    if (span.begin > cursor) {
      throw fail(`bytes [${cursor}, ${span.begin}) of the data section belong to no tensor (gap before "${span.name}")`);
    }
    cursor = span.end;
    previous = span;
  }
  if (cursor !== dataLength) {
    throw fail(`${dataLength - cursor} trailing bytes after the last tensor's data (data section is ${dataLength} bytes)`);
  }

  const tensors = new Map<string, RawTensor>();
  for (const { name, dtype, shape, begin, end } of spans) {
    tensors.set(name, { name, dtype, shape, bytes: bytes.subarray(dataStart + begin, dataStart + end) });
  }
  return { metadata, tensors };
}

function decodeHeader(
  headerBytes: Uint8Array,
  source: string,
  fail: (what: string) => TlError,
): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw fail('header is not valid UTF-8');
  }
  // As the reference crate: the header must open with '{' (no BOM, no leading whitespace).
  if (!text.startsWith('{')) {
    throw fail(`header does not start with '{' (found ${JSON.stringify(text.slice(0, 16))})`);
  }
  const value = parseJsonText(text, `${source}: header`, 'SAFETENSORS');
  if (!isJsonObject(value)) {
    throw fail(`header is ${jsonTypeName(value)}, expected a JSON object`);
  }
  return value;
}

function readMetadata(value: unknown, fail: (what: string) => TlError): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) throw fail(`"${METADATA_KEY}" is ${jsonTypeName(value)}, expected an object of strings`);
  const entries: Array<[string, string]> = [];
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw fail(`"${METADATA_KEY}"."${key}" is ${jsonTypeName(v)}, expected a string`);
    entries.push([key, v]);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays plain data.
  return Object.fromEntries(entries);
}

function readTensorSpan(
  name: string,
  info: unknown,
  dataLength: number,
  fail: (what: string) => TlError,
): TensorSpan {
  const tensor = `tensor "${name}"`;
  if (!isJsonObject(info)) throw fail(`${tensor}: entry is ${jsonTypeName(info)}, expected an object`);

  const { dtype, shape, data_offsets: offsets } = info;
  if (!isSafetensorsDType(dtype)) {
    throw fail(
      `${tensor}: unknown dtype ${JSON.stringify(dtype) ?? 'undefined'} ` +
        `(known: ${Object.keys(SAFETENSORS_DTYPE_SIZES).join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw fail(`${tensor}: shape ${briefJson(shape)} is not an array of non-negative integers`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)
  ) {
    throw fail(`${tensor}: data_offsets ${briefJson(offsets)} is not a pair [begin, end] of non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    throw fail(`${tensor}: data_offsets [${begin}, ${end}] are not inside the data section of ${dataLength} bytes`);
  }
  const dims = shape as number[];
  const span = end - begin;
  const expected = byteLengthOf(dims, dtypeByteSize(dtype));
  if (expected !== span) {
    throw fail(
      `${tensor}: shape [${dims.join(', ')}] of ${dtype} needs ${expected ?? 'more than 2^53'} ` +
        `bytes but data_offsets [${begin}, ${end}] hold ${span}`,
    );
  }
  return { name, dtype, shape: dims, begin, end };
}

/**
 * product(shape) × elementSize, or undefined once it leaves the safe-integer range (checked at each
 * step, so the value returned is exact; it is only compared, never allocated).
 */
function byteLengthOf(shape: readonly number[], elementSize: number): number | undefined {
  if (shape.includes(0)) return 0;
  let bytes = elementSize;
  for (const d of shape) {
    bytes *= d;
    if (bytes > Number.MAX_SAFE_INTEGER) return undefined;
  }
  return bytes;
}

function briefJson(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
