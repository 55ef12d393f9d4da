import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { readRecords, TlError } from '@tl/core';

export interface CorpusOptions {
  /** Read JSONL and take this field (default for .jsonl files: `text`); otherwise one text per line. */
  readonly textField?: string;
}

/**
 * A pretraining corpus: one text per line of a plain text file (blank lines skipped), or one JSON
 * object per line with the text in `textField` (`.jsonl`, or whenever a text field is named).
 */
export async function readCorpus(path: string, options: CorpusOptions = {}): Promise<string[]> {
  const jsonl = options.textField !== undefined || extname(path).toLowerCase() === '.jsonl';
  let texts: string[];
  if (jsonl) {
    const field = options.textField ?? 'text';
    texts = (await readRecords(path, 'jsonl')).map((r) => {
      const value = r.fields[field];
      if (typeof value !== 'string') {
        throw new TlError('INPUT', `${path}:${r.line}: "${field}" must be a string, got ${value === undefined ? 'nothing' : JSON.stringify(value)} (fields: ${Object.keys(r.fields).join(', ')})`);
      }
      return value;
    });
  } else {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new TlError('INPUT', `${path}: cannot read: ${(e as Error).message}`, { cause: e });
    }
    texts = text.split(/\r?\n/);
  }
  texts = texts.map((t) => t.trim()).filter((t) => t.length > 0);
  if (texts.length === 0) throw new TlError('INPUT', `${path}: the corpus has no text`);
  return texts;
}
