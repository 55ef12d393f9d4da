import { TlError } from '../errors/tl-error.js';

interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound. */
  readonly above?: number;
}

/**
 * Typed reading of a strategy's string options (from `parseStrategySpec`), so every factory reports a
 * bad value the same way: `strategy "llrd": option "decay": expected a number in (0, 1], got "x"`.
 * Reading marks a key as known; `done()` refuses the keys nobody read (typos), naming the known ones.
 *
 *     const o = new StrategyOptions('llrd', raw);
 *     const decay = o.number('decay', 0.9, { above: 0, max: 1 });
 *     o.done();
 */
export class StrategyOptions {
  private readonly known = new Set<string>();

  constructor(
    readonly strategy: string,
    private readonly raw: Readonly<Record<string, string>>,
  ) {}

  has(key: string): boolean {
    this.known.add(key);
    return Object.hasOwn(this.raw, key);
  }

  string(key: string): string | undefined;
  string(key: string, fallback: string): string;
  string(key: string, fallback?: string): string | undefined {
    return this.has(key) ? this.raw[key]! : fallback;
  }

  number(key: string): number | undefined;
  number(key: string, fallback: number, rule?: NumberRule): number;
  number(key: string, fallback?: number, rule: NumberRule = {}): number | undefined {
    if (!this.has(key)) return fallback;
    const text = this.raw[key]!;
    const value = Number(text);
    const ok =
      text.trim() !== '' &&
      Number.isFinite(value) &&
      (rule.min === undefined || value >= rule.min) &&
      (rule.max === undefined || value <= rule.max) &&
      (rule.above === undefined || value > rule.above);
    if (!ok) this.fail(key, `a number${describe(rule)}`, text);
    return value;
  }

  int(key: string): number | undefined;
  int(key: string, fallback: number, rule?: NumberRule): number;
  int(key: string, fallback?: number, rule: NumberRule = {}): number | undefined {
    if (!this.has(key)) return fallback;
    const value = this.number(key, 0, rule);
    if (!Number.isInteger(value)) this.fail(key, `an integer${describe(rule)}`, this.raw[key]!);
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const text = this.raw[key]!.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(text)) return true;
    if (['false', '0', 'no', 'off'].includes(text)) return false;
    return this.fail(key, 'true or false', this.raw[key]!);
  }

  /** One of a fixed set of words. */
  choice<T extends string>(key: string, choices: readonly T[], fallback: T): T {
    if (!this.has(key)) return fallback;
    const text = this.raw[key]!;
    if (!(choices as readonly string[]).includes(text)) this.fail(key, `one of ${choices.join(', ')}`, text);
    return text as T;
  }

  /** A `+`-separated list (`targets=query+value`); commas separate options in a spec. */
  list(key: string, fallback: readonly string[]): readonly string[] {
    if (!this.has(key)) return fallback;
    const items = this.raw[key]!.split('+').map((s) => s.trim());
    if (items.some((s) => s === '')) this.fail(key, 'a "+"-separated list', this.raw[key]!);
    return items;
  }

  /** Refuses options no reader asked for. */
  done(): void {
    const unknown = Object.keys(this.raw).filter((k) => !this.known.has(k));
    if (unknown.length > 0) {
      const known = [...this.known].join(', ') || 'none';
      throw new TlError('STRATEGY', `strategy "${this.strategy}": unknown option "${unknown[0]}" (options: ${known})`);
    }
  }

  fail(key: string, expected: string, got: string): never {
    throw new TlError('STRATEGY', `strategy "${this.strategy}": option "${key}": expected ${expected}, got "${got}"`);
  }
}

function describe(rule: NumberRule): string {
  const parts: string[] = [];
  if (rule.above !== undefined) parts.push(`> ${rule.above}`);
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}
