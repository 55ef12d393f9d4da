import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { TlError } from '@tl/core';

/** Where Debian's `dict-gcide` installs the dictd database. */
export const GCIDE_DICT = '/usr/share/dictd/gcide.dict.dz';
export const GCIDE_INDEX = '/usr/share/dictd/gcide.index';

/** One dictionary entry as prose: its headword and the text of its definitions and quotations. */
export interface GcideEntry {
  /** Headword as the index spells it (the first one, where several share the entry). */
  readonly headword: string;
  /** Byte offset of the entry in the uncompressed database: a stable id. */
  readonly offset: number;
  /** Definitions, notes and quotations with the dictd markup removed, one per source block. */
  readonly paragraphs: readonly string[];
}

export interface ReadGcideOptions {
  readonly dictPath?: string;
  readonly indexPath?: string;
  /**
   * Keep blocks whose source is WordNet (default false). GCIDE folds in WordNet 1.5 glosses, which
   * would put WordNet task text into a pretraining corpus; tl's WordNet adapter serves those instead.
   */
  readonly keepWordNetBlocks?: boolean;
}

const DICTD_B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** dictd's index numbers: base 64, most significant digit first. */
export function decodeDictdNumber(text: string, source: string): number {
  let n = 0;
  for (const c of text) {
    const d = DICTD_B64.indexOf(c);
    if (d < 0) throw new TlError('INPUT', `${source}: "${text}" is not a dictd base-64 number`);
    n = n * 64 + d;
  }
  return n;
}

/** A source line that closes a block: `[1913 Webster]`, `[WordNet 1.5 +PJC]`, `[PJC]`, ... */
const SOURCE_LINE = /^\s*\[([^\]]*(?:Webster|WordNet|PJC|AS)[^\]]*)\]\s*$/;

/**
 * GCIDE, the Collaborative International Dictionary of English (GPL-2.0-or-later): Webster's Revised
 * Unabridged Dictionary (1913) with later additions, from Debian's `dict-gcide`. dictzip is gzip with
 * an extra header field, so zlib inflates it whole (~40 MB); the index gives each entry's bytes.
 */
export async function readGcide(o: ReadGcideOptions = {}): Promise<GcideEntry[]> {
  const dictPath = o.dictPath ?? GCIDE_DICT;
  const indexPath = o.indexPath ?? GCIDE_INDEX;
  const [dz, index] = await Promise.all([readBytes(dictPath), readBytes(indexPath)]);
  let dict: Buffer;
  try {
    dict = gunzipSync(dz);
  } catch (e) {
    throw new TlError('INPUT', `${dictPath}: not a dictzip/gzip file: ${(e as Error).message}`, { cause: e });
  }
  const seen = new Set<number>();
  const entries: GcideEntry[] = [];
  index.toString('utf8').split('\n').forEach((line, i) => {
    if (line.length === 0 || line.startsWith('00-database') || line.startsWith('00database')) return;
    const [headword, off, len] = line.split('\t');
    if (headword === undefined || off === undefined || len === undefined) throw new TlError('INPUT', `${indexPath}:${i + 1}: expected "headword<TAB>offset<TAB>length"`);
    const where = `${indexPath}:${i + 1}`;
    const offset = decodeDictdNumber(off, where);
    const length = decodeDictdNumber(len, where);
    if (seen.has(offset)) return;
    seen.add(offset);
    if (offset + length > dict.length) throw new TlError('INPUT', `${where}: entry ${headword} ends at byte ${offset + length}, past the database's ${dict.length}`);
    const paragraphs = entryProse(dict.subarray(offset, offset + length).toString('utf8'), o.keepWordNetBlocks ?? false);
    if (paragraphs.length > 0) entries.push({ headword, offset, paragraphs });
  });
  if (entries.length === 0) throw new TlError('INPUT', `${indexPath}: no dictionary entries`);
  return entries.sort((a, b) => a.offset - b.offset);
}

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const hint = (e as NodeJS.ErrnoException).code === 'ENOENT' ? ' (install Debian\'s dict-gcide: apt-get install dict-gcide)' : '';
    throw new TlError('INPUT', `${path}: cannot read: ${(e as Error).message}${hint}`, { cause: e });
  }
}

/**
 * The prose of one entry. Blocks end at a source line; the headword line's pronunciation
 * (`\Af*fect"\`), part of speech and etymology (`[L. affectus ...]`) are dropped, as are usage labels
 * (`[Obs.]`), author citations (`--Milton.`) and sense numbers; cross references (`{Fact}`) keep their text.
 */
export function entryProse(entry: string, keepWordNetBlocks = false): string[] {
  const out: string[] = [];
  let block: string[] = [];
  const lines = entry.split('\n');
  // The first line names the entry: `Word \pron\, pos. [etymology...` (the etymology may wrap).
  if (lines.length > 0) lines[0] = lines[0]!.replace(/^[^\\]*\\[^\\]*\\,?/, '').replace(/^\s*(?:(?:[a-z]+\.|&)\s*)+/, '');
  for (const line of lines) {
    const source = SOURCE_LINE.exec(line);
    if (source) {
      const raw = block.join(' ');
      // A WordNet marker can also sit inside the block (a wrapped or merged source line).
      const fromWordNet = source[1]!.includes('WordNet') || raw.includes('[WordNet');
      const text = cleanBlock(raw);
      if (text.length > 0 && (keepWordNetBlocks || !fromWordNet)) out.push(text);
      block = [];
    } else {
      // Author citations end their line: `... peace.          --Bp. Hall.` (a lower-case `-- followed
      // by in` is a usage note and stays).
      block.push(line.replace(/\s--\s?[A-Z].*$/, ''));
    }
  }
  return out;
}

function cleanBlock(text: string): string {
  let t = text;
  // Brackets nest once at most in practice ([Gr. [=a]...]); remove inner ones first.
  for (let i = 0; i < 3; i++) t = t.replace(/\[[^[\]]*\]/g, ' ');
  return t
    .replace(/\\[^\\]*\\/g, ' ') // pronunciations of run-on forms
    .replace(/\[[^\]]*$/, ' ') // a bracket left open at the block's end
    .replace(/[{}]/g, '') // cross references keep their text: {Fact} → Fact
    .replace(/\*|"/g, (c) => (c === '*' ? '' : '"'))
    .replace(/(^|\s)\d+\.\s/g, ' ') // sense numbers
    .replace(/(^|\s)\(\w\)\s/g, ' ') // sub-sense letters
    .replace(/\s+/g, ' ')
    .replace(/\s([,.;:!?])/g, '$1')
    .trim()
    .replace(/^[,.;:\s]+/, '');
}
