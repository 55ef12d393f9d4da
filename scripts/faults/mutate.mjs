/**
 * A seeded mutator for the CLI fuzzer: byte flips, truncations, deletions, insertions, duplicated or
 * dropped lines, and (for JSON and JSONL) values changed to another type or keys removed. The same
 * seed gives the same bytes, so a failing case is reproduced from its number alone.
 */
const int = (random, n) => Math.floor(random() * n);
const pick = (random, xs) => xs[int(random, xs.length)];

/** Values of every JSON type, including the sizes and shapes that break naive code. */
const REPLACEMENTS = [
  null, true, false, 0, -1, 1, 2, 1.5, -0.5, 3e9, 1e308, -1e308, 2 ** 31, 2 ** 53, 1e6, 65536,
  '', 'x', '0', '-1', '1e999', 'NaN', 'null', '\u0000', 'é\uD800', ' ', 'a'.repeat(5000),
  [], [1], [null], ['a', 'b'], {}, { a: 1 }, { '0': 'x' },
];
/** Bytes that matter to JSON, CSV and text handling. */
const SPECIAL_BYTES = [0x22, 0x2c, 0x0a, 0x0d, 0x7b, 0x7d, 0x5b, 0x5d, 0x3a, 0x5c, 0x00, 0xff, 0xc3, 0x09, 0x20, 0x30, 0x2d];

function flipBytes(random, bytes) {
  if (bytes.length === 0) return bytes;
  const out = Buffer.from(bytes);
  for (let i = 1 + int(random, 4); i > 0; i--) out[int(random, out.length)] ^= 1 << int(random, 8);
  return out;
}

const truncate = (random, bytes) => bytes.subarray(0, int(random, bytes.length + 1));

function deleteRange(random, bytes) {
  if (bytes.length === 0) return bytes;
  const start = int(random, bytes.length);
  const length = 1 + int(random, Math.min(64, bytes.length - start));
  return Buffer.concat([bytes.subarray(0, start), bytes.subarray(start + length)]);
}

function insertBytes(random, bytes) {
  const at = int(random, bytes.length + 1);
  const inserted = Buffer.from(Array.from({ length: 1 + int(random, 8) }, () => (random() < 0.7 ? pick(random, SPECIAL_BYTES) : int(random, 256))));
  return Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at)]);
}

function lines(bytes) {
  return bytes.toString('latin1').split('\n');
}
const joinLines = (ls) => Buffer.from(ls.join('\n'), 'latin1');

function duplicateLine(random, bytes) {
  const ls = lines(bytes);
  const i = int(random, ls.length);
  ls.splice(i, 0, ...Array(1 + int(random, 3)).fill(ls[i]));
  return joinLines(ls);
}

function dropOrSwapLines(random, bytes) {
  const ls = lines(bytes);
  if (ls.length < 2) return Buffer.alloc(0);
  const i = int(random, ls.length);
  const j = int(random, ls.length);
  if (random() < 0.5) ls.splice(i, 1);
  else [ls[i], ls[j]] = [ls[j], ls[i]];
  return joinLines(ls);
}

/** Every path to a value in `v`, with its depth; structural keys (shallow) are picked as often as deep leaves. */
function paths(v, prefix = [], out = []) {
  out.push(prefix);
  if (v !== null && typeof v === 'object') {
    const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    for (const k of keys) paths(v[k], [...prefix, k], out);
  }
  return out;
}

function pickPath(random, value) {
  const all = paths(value).filter((p) => p.length > 0);
  if (all.length === 0) return undefined;
  const maxDepth = Math.max(...all.map((p) => p.length));
  const depth = 1 + int(random, maxDepth);
  const atDepth = all.filter((p) => p.length === depth);
  return pick(random, atDepth.length > 0 ? atDepth : all);
}

/** Changes one value's type (or size), or removes one key, in a parsed JSON value. */
function mutateValue(random, value) {
  const path = pickPath(random, value);
  if (!path) return pick(random, REPLACEMENTS);
  let parent = value;
  for (const k of path.slice(0, -1)) parent = parent[k];
  const key = path.at(-1);
  if (random() < 0.2 && !Array.isArray(parent)) delete parent[key];
  else parent[key] = structuredClone(pick(random, REPLACEMENTS));
  return value;
}

function jsonValueChange(random, bytes) {
  let value;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return flipBytes(random, bytes);
  }
  return Buffer.from(JSON.stringify(mutateValue(random, value), null, random() < 0.5 ? 2 : undefined));
}

function jsonlValueChange(random, bytes) {
  const ls = bytes.toString('utf8').split('\n');
  const candidates = ls.map((l, i) => i).filter((i) => ls[i].trim() !== '');
  if (candidates.length === 0) return insertBytes(random, bytes);
  const i = pick(random, candidates);
  try {
    ls[i] = JSON.stringify(mutateValue(random, JSON.parse(ls[i])));
  } catch {
    ls[i] = JSON.stringify(pick(random, REPLACEMENTS));
  }
  return Buffer.from(ls.join('\n'));
}

/** Replaces one CSV cell with an empty, quoted, numeric or delimiter-laden value. */
function csvCellChange(random, bytes) {
  const ls = bytes.toString('utf8').split('\n');
  const i = int(random, ls.length);
  const cells = ls[i].split(',');
  cells[int(random, cells.length)] = pick(random, ['', '"', '""', '"a,b"', '-1', '3', '1e9', 'LABEL_9', ' ', 'a\tb', '"unterminated', '0.5']);
  ls[i] = cells.join(',');
  return Buffer.from(ls.join('\n'));
}

const BYTE_MUTATIONS = { flipBytes, truncate, deleteRange, insertBytes, duplicateLine, dropOrSwapLines };

/**
 * Mutates `bytes` (a file of `kind`: 'json', 'jsonl' or 'csv') 1 to 3 times; returns the new bytes
 * and the names of the mutations applied.
 */
export function mutate(random, bytes, kind) {
  const structured = kind === 'json' ? { jsonValueChange } : kind === 'jsonl' ? { jsonlValueChange } : { csvCellChange };
  const all = { ...BYTE_MUTATIONS, ...structured };
  const names = Object.keys(all);
  let out = Buffer.from(bytes);
  const applied = [];
  for (let n = 1 + int(random, 3); n > 0; n--) {
    // Half the time a structured change: those reach past the parser into the code that uses values.
    const name = random() < 0.5 ? Object.keys(structured)[0] : pick(random, names);
    out = all[name](random, out);
    applied.push(name);
  }
  return { bytes: out, applied };
}
