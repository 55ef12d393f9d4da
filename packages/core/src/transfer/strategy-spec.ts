import { TlError } from '../errors/tl-error.js';

/** A strategy named with its options, as written on a command line: `layerwise:llrd=0.9,freeze=2`. */
export interface StrategySpec {
  readonly name: string;
  /** Option values as written; each strategy's factory reads and checks its own. */
  readonly options: Readonly<Record<string, string>>;
}

const NAME = /^[A-Za-z][\w.-]*$/;
const KEY = /^[A-Za-z][\w.-]*$/;

/**
 * Parses `name[:key=value[,key=value]...]`. A bare `key` means `key=true`; a value in double quotes
 * may hold commas, colons and equals signs (`aux:file="a,b.jsonl"`). Every malformed piece is an
 * error naming the spec and the piece, so `--strategy` typos fail before any model is loaded.
 */
export function parseStrategySpec(spec: string): StrategySpec {
  const text = spec.trim();
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  if (!NAME.test(name)) {
    throw new TlError('STRATEGY', `strategy spec "${spec}": "${name}" is not a strategy name (letters, digits, "-", "_", "."; then ":key=value,...")`);
  }
  const options: Record<string, string> = {};
  if (colon < 0) return { name, options };
  for (const piece of splitOptions(text.slice(colon + 1), spec)) {
    const eq = piece.indexOf('=');
    const key = (eq < 0 ? piece : piece.slice(0, eq)).trim();
    if (!KEY.test(key)) throw new TlError('STRATEGY', `strategy spec "${spec}": "${piece}" is not key=value`);
    if (Object.hasOwn(options, key)) throw new TlError('STRATEGY', `strategy spec "${spec}": option "${key}" is given twice`);
    let value = eq < 0 ? 'true' : piece.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    else if (value.length === 0) throw new TlError('STRATEGY', `strategy spec "${spec}": option "${key}" has no value`);
    options[key] = value;
  }
  return { name, options };
}

/** The inverse of `parseStrategySpec` (values with separators are quoted). */
export function formatStrategySpec(spec: StrategySpec): string {
  const opts = Object.entries(spec.options).map(([k, v]) => `${k}=${/[,:="\s]/.test(v) ? `"${v}"` : v}`);
  return opts.length === 0 ? spec.name : `${spec.name}:${opts.join(',')}`;
}

/** Splits on commas outside double quotes. */
function splitOptions(body: string, spec: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of body) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      pieces.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quoted) throw new TlError('STRATEGY', `strategy spec "${spec}": unterminated double quote`);
  pieces.push(current);
  if (pieces.some((p) => p.trim() === '')) throw new TlError('STRATEGY', `strategy spec "${spec}": empty option (a stray ",")`);
  return pieces;
}
