import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TlError } from '../../src/errors/tl-error.js';
import { dtypeByteSize } from '../../src/io/safetensors/dtype.js';
import { parseSafetensors } from '../../src/io/safetensors/parse.js';
import { fixtureFile, mulberry32 } from './fixtures.js';

/**
 * Mutation fuzzing of the parser on a real checkpoint: byte flips (biased to the header), header
 * length edits, truncations, structural header JSON edits and raw header text edits. The parser may
 * accept a mutant (a flipped data byte is still a valid file) or throw a TlError('SAFETENSORS');
 * anything else — a RangeError, a TypeError, a hang, a big allocation — is a bug.
 */

const ITERATIONS = 12_000;
const SEED = 0x7e57_5afe;

const original = new Uint8Array(readFileSync(fixtureFile('bert-cls', 'model.safetensors')));
const headerLength = Number(new DataView(original.buffer, original.byteOffset).getBigUint64(0, true));
const headerText = new TextDecoder().decode(original.subarray(8, 8 + headerLength));
const dataSection = original.subarray(8 + headerLength);

type Rng = () => number;
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)]!;

const ODD_VALUES: readonly unknown[] = [
  -1, 0, 1, 2.5, 2 ** 31, 2 ** 53, 2 ** 64, 1e308, -0, 'F32', '', null, true, [], {}, [1, 2], [-1, 4], [2 ** 60, 0],
];
const DTYPES = ['F32', 'F16', 'BF16', 'F64', 'I64', 'I8', 'BOOL', 'U64', 'F128', 'f32', 'Q4_0', ''];

/** Rebuilds a file from a header string and a data section, with the true header length. */
function assemble(header: string, data: Uint8Array, declared?: bigint): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

function mutateHeaderJson(rng: Rng): Uint8Array {
  const header = JSON.parse(headerText) as Record<string, Record<string, unknown>>;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const edits = 1 + int(rng, 3);
  for (let e = 0; e < edits; e++) {
    const name = pick(rng, names);
    const entry = header[name];
    // An earlier edit may have replaced or deleted this entry or its arrays.
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
    const shape = Array.isArray(entry['shape']) ? (entry['shape'] as unknown[]) : [];
    const offsets = Array.isArray(entry['data_offsets']) ? (entry['data_offsets'] as unknown[]) : [];
    switch (int(rng, 9)) {
      case 0: entry['dtype'] = pick(rng, DTYPES); break;
      case 1: shape[int(rng, 2)] = pick(rng, ODD_VALUES); break;
      case 2: entry['shape'] = pick(rng, ODD_VALUES); break;
      case 3: offsets[int(rng, 2)] = pick(rng, ODD_VALUES); break;
      case 4: { const k = int(rng, 2); offsets[k] = Number(offsets[k]) + int(rng, 17) - 8; break; }
      case 5: delete header[name]; break;
      case 6: header[`${name}.copy`] = { ...entry }; break;
      case 7: header[name] = pick(rng, ODD_VALUES) as Record<string, unknown>; break;
      default: header['__metadata__'] = pick(rng, ODD_VALUES) as Record<string, unknown>; break;
    }
  }
  const data = rng() < 0.8 ? dataSection : dataSection.subarray(0, int(rng, dataSection.byteLength));
  return assemble(JSON.stringify(header), data);
}

function mutateHeaderText(rng: Rng): Uint8Array {
  let text = headerText;
  const edits = 1 + int(rng, 4);
  for (let e = 0; e < edits; e++) {
    const at = int(rng, text.length);
    const piece = pick(rng, ['{', '}', '[', ']', '"', ',', ':', '-', '9', 'e', '\\', '\u0000', '\u00ff', ' ']);
    text = rng() < 0.5 ? text.slice(0, at) + piece + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
  }
  return assemble(text, dataSection);
}

/** Mutates `work` (a copy of the original, reused to avoid allocating per iteration) or builds a new file. */
function mutate(rng: Rng, work: Uint8Array): Uint8Array {
  work.set(original);
  const view = new DataView(work.buffer, work.byteOffset);
  switch (int(rng, 6)) {
    case 0: {
      const flips = 1 + int(rng, 8);
      const span = rng() < 0.7 ? 8 + headerLength : work.byteLength;
      for (let i = 0; i < flips; i++) work[int(rng, span)]! ^= 1 << int(rng, 8);
      return work;
    }
    case 1: {
      const choices = [
        () => BigInt(headerLength + int(rng, 33) - 16),
        () => BigInt(int(rng, 2 ** 32)),
        () => BigInt(int(rng, 2 ** 32)) << 32n | BigInt(int(rng, 2 ** 32)),
        () => 0n,
        () => BigInt(original.byteLength - 8 + int(rng, 3) - 1),
      ];
      view.setBigUint64(0, pick(rng, choices)(), true);
      return work;
    }
    case 2:
      return work.subarray(0, int(rng, work.byteLength));
    case 3:
      return mutateHeaderJson(rng);
    case 4:
      return mutateHeaderText(rng);
    default: {
      // A mutated header length together with flipped header bytes.
      view.setBigUint64(0, BigInt(headerLength + int(rng, 9) - 4), true);
      work[8 + int(rng, headerLength)]! ^= 0xff;
      return work;
    }
  }
}

describe('parseSafetensors fuzzing', () => {
  it(`throws only TlError over ${ITERATIONS} mutations of bert-cls/model.safetensors, without allocating`, () => {
    const rng = mulberry32(SEED);
    const work = new Uint8Array(original.byteLength);
    const outcomes = { accepted: 0, rejected: 0 };
    const startArrayBuffers = process.memoryUsage().arrayBuffers;
    let worstGrowth = 0;
    const started = Date.now();

    for (let i = 0; i < ITERATIONS; i++) {
      const bytes = mutate(rng, work);
      const before = process.memoryUsage().arrayBuffers;
      try {
        const file = parseSafetensors(bytes, 'fuzz');
        outcomes.accepted++;
        for (const t of file.tensors.values()) {
          // Accepted files are consistent: in-bounds views of the right length.
          const inBounds =
            t.bytes.buffer === bytes.buffer &&
            t.bytes.byteOffset + t.bytes.byteLength <= bytes.byteOffset + bytes.byteLength &&
            t.bytes.byteLength === t.shape.reduce((a, b) => a * b, 1) * dtypeByteSize(t.dtype);
          if (!inBounds) throw new Error(`iteration ${i} (seed ${SEED}): inconsistent tensor "${t.name}" accepted`);
        }
      } catch (e) {
        if (e instanceof Error && e.message.includes('inconsistent tensor')) throw e;
        if (!(e instanceof TlError) || e.code !== 'SAFETENSORS') {
          throw new Error(`iteration ${i} (seed ${SEED}): non-TlError ${String(e)}`, { cause: e });
        }
        outcomes.rejected++;
      }
      // Parsing allocates no ArrayBuffer memory of its own (views only); allow slack for
      // unrelated allocations, but never the size of the file.
      worstGrowth = Math.max(worstGrowth, process.memoryUsage().arrayBuffers - before);
    }

    const seconds = (Date.now() - started) / 1000;
    console.log(
      `fuzz: ${ITERATIONS} mutants in ${seconds.toFixed(1)} s, ${outcomes.accepted} accepted, ${outcomes.rejected} rejected, ` +
        `worst arrayBuffers growth in one parse ${worstGrowth} B (file ${original.byteLength} B)`,
    );
    expect(outcomes.rejected).toBeGreaterThan(ITERATIONS / 2);
    expect(outcomes.accepted).toBeGreaterThan(100);
    expect(worstGrowth).toBeLessThan(original.byteLength);
    // No accumulation either: whatever the mutants allocated is garbage by now.
    expect(process.memoryUsage().arrayBuffers - startArrayBuffers).toBeLessThan(256 * 1024 * 1024);
    // ~8 s alone on this 2-core machine; the bound only catches pathological (e.g. quadratic) slowdowns.
    expect(seconds).toBeLessThan(60);
  });
});
