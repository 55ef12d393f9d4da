import { parse as parseLenient, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { TlError, type TlErrorCode } from '../../errors/tl-error.js';

/**
 * Parses JSON strictly (JSON.parse) and, when that fails, explains where: V8's messages often omit
 * the position, so a second, error-collecting scan (jsonc-parser, comments and trailing commas
 * disallowed) finds the first offending offset, reported as line:column. The error is a TlError of
 * the given code whose message starts with `source`.
 */
export function parseJsonText(text: string, source: string, code: TlErrorCode): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new TlError(code, `${source}: invalid JSON ${describeJsonError(text, e)}`, { cause: e });
  }
}

/** Like parseJsonText, and the value must be a JSON object (not an array, string or null). */
export function parseJsonObject(text: string, source: string, code: TlErrorCode): Record<string, unknown> {
  const value = parseJsonText(text, source, code);
  if (!isJsonObject(value)) {
    throw new TlError(code, `${source}: expected a JSON object at the top level, found ${jsonTypeName(value)}`);
  }
  return value;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function describeJsonError(text: string, original: unknown): string {
  const errors: ParseError[] = [];
  parseLenient(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first === undefined) {
    // The lenient scanner accepted what JSON.parse refused (rare: e.g. lone surrogates); keep V8's words.
    return `(${original instanceof Error ? original.message : String(original)})`;
  }
  const { line, column } = lineColumnAt(text, first.offset);
  return `at line ${line}, column ${column} (position ${first.offset}): ${humanize(printParseErrorCode(first.error))}`;
}

function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** 'CommaExpected' -> 'comma expected'. */
function humanize(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
