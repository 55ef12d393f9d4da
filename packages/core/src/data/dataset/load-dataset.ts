import { TlError } from '../../errors/tl-error.js';
import type { Example } from '../../training/trainer.js';
import { indexLabelMap, sortedLabelMap, type LabelMap } from '../labels/label-map.js';
import { formatFromPath, parseRecords, readRecords, type RecordFormat, type SourceRecord } from '../records/read-records.js';

export interface FieldMapping {
  /** Default `text`. */
  readonly textField?: string;
  /** The second segment of a pair task; absent for single-text tasks. */
  readonly textPairField?: string;
  /** Default `label`. */
  readonly labelField?: string;
}

export interface LoadDatasetOptions extends FieldMapping {
  /** Default: from the extension. */
  readonly format?: RecordFormat;
  /** Name used in messages (default the path). */
  readonly source?: string;
  /**
   * How string labels become class indices (a checkpoint's `label2id`, or the training set's map when
   * loading its evaluation set). Without it, a sorted map of the names found is built.
   */
  readonly labelMap?: LabelMap;
  /** Number of classes, to range-check integer labels when no label map is given. */
  readonly numLabels?: number;
  /** Labels are real numbers (regression, HF `num_labels=1`), not classes. */
  readonly regression?: boolean;
}

export interface LoadedDataset {
  readonly examples: Example[];
  /** The map the labels went through (built, given, or `LABEL_i` for integer labels). */
  readonly labelMap: LabelMap;
  /** Whether the file held class indices or label names. */
  readonly labelKind: 'index' | 'name' | 'regression';
  /** The 1-based source line of each example. */
  readonly lines: number[];
  readonly source: string;
}

/** Reads JSONL, CSV or TSV into examples, validating every record (errors name `file:line`). */
export async function loadDataset(path: string, options: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const source = options.source ?? path;
  const format = options.format ?? formatFromPath(path);
  return toDataset(await readRecords(path, format, source), source, options, format);
}

/** The same from text in memory; `format` is required since there is no extension. */
export function parseDataset(text: string, options: LoadDatasetOptions & { format: RecordFormat; source: string }): LoadedDataset {
  return toDataset(parseRecords(text, options.format, options.source), options.source, options, options.format);
}

function toDataset(records: SourceRecord[], source: string, o: LoadDatasetOptions, format: RecordFormat): LoadedDataset {
  const textField = o.textField ?? 'text';
  const labelField = o.labelField ?? 'label';
  if (records.length === 0) throw new TlError('INPUT', `${source}: no records`);

  const texts = records.map((r) => ({
    text: requireText(r, textField, source),
    textPair: o.textPairField === undefined ? undefined : requireText(r, o.textPairField, source),
  }));
  const rawLabels = records.map((r) => {
    if (!(labelField in r.fields) || r.fields[labelField] === null || r.fields[labelField] === '') {
      throw new TlError('INPUT', `${source}:${r.line}: missing field "${labelField}"${fieldsHint(r)}`);
    }
    return r.fields[labelField];
  });

  const { labels, labelMap, labelKind } = o.regression
    ? { labels: records.map((r, i) => toReal(rawLabels[i], r, labelField, source)), labelMap: indexLabelMap(1), labelKind: 'regression' as const }
    : classify(records, rawLabels, source, labelField, o, format);

  const examples = texts.map(({ text, textPair }, i): Example =>
    textPair === undefined ? { text, label: labels[i]! } : { text, textPair, label: labels[i]! },
  );
  return { examples, labelMap, labelKind, lines: records.map((r) => r.line), source };
}

function requireText(r: SourceRecord, field: string, source: string): string {
  if (!(field in r.fields) || r.fields[field] === null || r.fields[field] === undefined) {
    throw new TlError('INPUT', `${source}:${r.line}: missing field "${field}"${fieldsHint(r)}`);
  }
  const v = r.fields[field];
  if (typeof v !== 'string') throw new TlError('INPUT', `${source}:${r.line}: field "${field}" must be a string, got ${JSON.stringify(v)}`);
  if (v.trim() === '') throw new TlError('INPUT', `${source}:${r.line}: empty text in field "${field}"`);
  return v;
}

/** The record's field names, to show what a mapping could have meant (`--text-field`). */
function fieldsHint(r: SourceRecord): string {
  const names = Object.keys(r.fields);
  return names.length > 0 ? ` (fields: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', ...' : ''})` : '';
}

function toReal(v: unknown, r: SourceRecord, field: string, source: string): number {
  const x = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(x)) throw new TlError('INPUT', `${source}:${r.line}: label ${JSON.stringify(v)} in field "${field}" is not a number`);
  return x;
}

const INTEGER = /^\s*-?\d+\s*$/;

/**
 * Integer labels are class indices; string labels are names mapped through the given label map, or
 * through a sorted map of the names found. In CSV/TSV every value is text, so a column whose values
 * all read as integers is taken as indices (what pandas' type inference would do). Mixing the two
 * kinds in one file is an error at the first line that breaks the pattern.
 */
function classify(
  records: SourceRecord[],
  raw: unknown[],
  source: string,
  field: string,
  o: LoadDatasetOptions,
  format?: RecordFormat,
): { labels: number[]; labelMap: LabelMap; labelKind: 'index' | 'name' } {
  const delimited = format === 'csv' || format === 'tsv';
  const isIndex = (v: unknown): boolean => typeof v === 'number' || (delimited && typeof v === 'string' && INTEGER.test(v));
  const first = raw[0];
  // In CSV a given label map wins: names like "0"/"1" that it lists are names, not indices.
  const namedByMap = delimited && o.labelMap !== undefined && typeof first === 'string' && first in o.labelMap.label2id;
  const kind: 'index' | 'name' = isIndex(first) && !namedByMap ? 'index' : 'name';

  raw.forEach((v, i) => {
    const line = records[i]!.line;
    if (typeof v !== 'number' && typeof v !== 'string') {
      throw new TlError('INPUT', `${source}:${line}: label ${JSON.stringify(v)} in field "${field}" must be an integer class index or a string name`);
    }
    const mismatch = kind === 'index' ? !isIndex(v) : typeof v === 'number';
    if (mismatch) {
      throw new TlError(
        'INPUT',
        `${source}:${line}: label ${JSON.stringify(v)} is ${kind === 'index' ? 'a name' : 'a number'} but earlier labels are ${kind === 'index' ? 'integer class indices' : 'names'}`,
      );
    }
  });

  if (kind === 'index') {
    const numLabels = o.labelMap?.numLabels ?? o.numLabels;
    const labels = raw.map((v, i) => {
      const x = Number(v);
      const line = records[i]!.line;
      if (!Number.isInteger(x) || x < 0) throw new TlError('INPUT', `${source}:${line}: label ${JSON.stringify(v)} is not a class index (an integer >= 0)`);
      if (numLabels !== undefined && x >= numLabels) throw new TlError('INPUT', `${source}:${line}: label ${x} is out of range for ${numLabels} classes`);
      return x;
    });
    // A loop, not Math.max(...labels): spreading ~200k labels as arguments overflows the call stack.
    const largest = labels.reduce((m, x) => (x > m ? x : m), 0);
    return { labels, labelMap: o.labelMap ?? indexLabelMap(numLabels ?? largest + 1), labelKind: 'index' };
  }

  const names = raw as string[];
  const labelMap = o.labelMap ?? sortedLabelMap(names);
  const labels = names.map((n, i) => {
    const id = labelMap.label2id[n];
    if (id === undefined) {
      const known = Object.keys(labelMap.label2id);
      const list = known.slice(0, 10).join(', ') + (known.length > 10 ? `, ... (${known.length})` : '');
      throw new TlError('INPUT', `${source}:${records[i]!.line}: unknown label "${n}" (known: ${list})`);
    }
    return id;
  });
  return { labels, labelMap, labelKind: 'name' };
}
