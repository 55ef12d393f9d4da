import { TlError } from '@tl/core';
import type { Synset, WordNetPos } from './synset.js';

/**
 * Parses a WordNet data file (wndb(5WN)): after the license header (lines starting with two spaces),
 * one synset per line:
 *
 *     offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] [frames...] | gloss
 *
 * `w_cnt` is two hex digits; lemmas may carry an adjective marker such as `(a)` or `(ip)`. Only what
 * the tasks and synonym lookups need is kept (pointers and verb frames are skipped).
 */
export function parseDataFile(text: string, source: string): Synset[] {
  const synsets: Synset[] = [];
  let lineNo = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.startsWith('  ') || line.trim() === '') continue;
    synsets.push(parseDataLine(line, `${source}:${lineNo}`));
  }
  return synsets;
}

export function parseDataLine(line: string, where: string): Synset {
  // Only the leading fields are tokenised: pointer lists can run to hundreds of fields.
  let at = 0;
  const next = (): string | undefined => {
    if (at >= line.length) return undefined;
    let end = line.indexOf(' ', at);
    if (end < 0) end = line.length;
    const token = line.slice(at, end);
    at = end + 1;
    return token;
  };
  const offset = next();
  const lexFile = Number(next());
  const ssType = next();
  const wCnt = parseInt(next() ?? '', 16);
  if (!offset || !/^\d{8}$/.test(offset) || !Number.isInteger(lexFile) || !ssType || !(wCnt > 0)) {
    throw new TlError('INPUT', `${where}: not a WordNet data line (offset lex_filenum ss_type w_cnt ...)`);
  }
  const pos = toPos(ssType, where);
  const lemmas: string[] = [];
  for (let i = 0; i < wCnt; i++) {
    const word = next();
    next(); // lex_id
    if (word === undefined || word === '|') throw new TlError('INPUT', `${where}: w_cnt ${wCnt} but only ${i} words`);
    const marker = word.endsWith(')') ? word.lastIndexOf('(') : -1;
    lemmas.push((marker > 0 ? word.slice(0, marker) : word).toLowerCase());
  }
  const bar = line.indexOf(' | ', at);
  const { definition, examples } = splitGloss(bar < 0 ? '' : line.slice(bar + 3).trim());
  return { id: `${offset}-${pos}`, pos, lexFile, lemmas, definition, examples };
}

function toPos(ssType: string, where: string): WordNetPos {
  switch (ssType) {
    case 'n':
    case 'v':
    case 'a':
    case 'r':
      return ssType;
    case 's':
      return 'a';
    default:
      throw new TlError('INPUT', `${where}: unknown synset type "${ssType}"`);
  }
}

/** `def; "example one"; "example two"` → the definition and the examples. */
export function splitGloss(gloss: string): { definition: string; examples: string[] } {
  const quote = gloss.indexOf('"');
  if (quote < 0) return { definition: trimSemicolons(gloss), examples: [] };
  const examples: string[] = [];
  const definition = gloss.replace(/"([^"]*)"/g, (_, ex: string) => {
    examples.push(ex.trim());
    return '';
  });
  return { definition: trimSemicolons(definition), examples };
}

/** Joins the non-empty `;`-separated parts: what is left of a gloss once its examples are cut out. */
function trimSemicolons(text: string): string {
  if (!text.includes(';')) return text.trim();
  return text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .join('; ');
}
