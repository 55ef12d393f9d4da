import { readFile } from 'node:fs/promises';
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { TlError } from '../../errors/tl-error.js';

export type RecordFormat = 'jsonl' | 'csv' | 'tsv';

/** One input record with the 1-based line it starts on, for messages like `train.jsonl:17: ...`. */
export interface SourceRecord {
  readonly line: number;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The format a path's extension implies (`.jsonl`/`.ndjson`/`.json`, `.csv`, `.tsv`/`.tab`). */
export function formatFromPath(path: string): RecordFormat {
  const ext = path.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (ext === 'jsonl' || ext === 'ndjson' || ext === 'json') return 'jsonl';
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  throw new TlError('INPUT', `${path}: cannot tell the format from the extension; use .jsonl, .csv or .tsv (or pass format)`);
}

/** Reads a file into records; `source` is the name used in messages (default: the path). */
export async function readRecords(path: string, format: RecordFormat = formatFromPath(path), source = path): Promise<SourceRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new TlError('INPUT', `${source}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { cause: e });
  }
  return parseRecords(text, format, source);
}

/** Parses text already in memory (tests, stdin). */
export function parseRecords(text: string, format: RecordFormat, source: string): SourceRecord[] {
  return format === 'jsonl' ? parseJsonl(text, source) : parseDelimited(text, format === 'tsv' ? '\t' : ',', source);
}

function parseJsonl(text: string, source: string): SourceRecord[] {
  const out: SourceRecord[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return; // blank lines (a trailing newline, spacing) are not records
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new TlError('INPUT', `${source}:${i + 1}: malformed JSON (${(e as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TlError('INPUT', `${source}:${i + 1}: expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
    }
    out.push({ line: i + 1, fields: value as Record<string, unknown> });
  });
  return out;
}

/**
 * CSV and TSV through csv-parse, with a header row naming the columns. TSV is read without quote
 * handling, as GLUE-style TSVs contain bare quotes inside text (Python's `QUOTE_NONE`).
 */
function parseDelimited(text: string, delimiter: ',' | '\t', source: string): SourceRecord[] {
  let rows: { record: Record<string, string>; info: { lines: number }; raw: string }[];
  try {
    rows = parseCsv(text, {
      columns: true,
      bom: true,
      delimiter,
      quote: delimiter === '\t' ? false : '"',
      skip_empty_lines: true,
      info: true,
      raw: true,
    }) as unknown as typeof rows;
  } catch (e) {
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      throw new TlError('INPUT', `${source}:${line ?? '?'}: ${e.message}`, { cause: e });
    }
    throw e;
  }
  return rows.map(({ record, info, raw }) => {
    // info.lines is the line a record ends on; a quoted field may span lines, so count back to its start.
    const newlines = (raw.replace(/\r?\n$/, '').match(/\n/g) ?? []).length;
    return { line: info.lines - newlines, fields: record };
  });
}
