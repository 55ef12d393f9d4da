import type { DawnBackendName, WebGpuBackendOptions } from '../options.js';

/** One way of asking for an adapter; several are tried in order until one answers. */
export interface AdapterAttempt {
  /** Dawn's native backend (Node); undefined = Dawn's platform default, or the browser's own choice. */
  readonly dawnBackend?: DawnBackendName;
  /** Dawn adapter name (Node). */
  readonly adapter?: string;
  readonly featureLevel: 'core' | 'compatibility';
  readonly powerPreference: 'high-performance' | 'low-power';
  readonly dawnFlags: readonly string[];
}

/** A one-line description for errors and capabilities: `Dawn backend=opengl, featureLevel=compatibility`. */
export function describeAttempt(a: AdapterAttempt, runtime: 'node' | 'browser'): string {
  const parts =
    runtime === 'node'
      ? [`Dawn backend=${a.dawnBackend ?? 'default'}`, ...(a.adapter ? [`adapter="${a.adapter}"`] : [])]
      : ['navigator.gpu'];
  parts.push(`featureLevel=${a.featureLevel}`, `powerPreference=${a.powerPreference}`);
  if (a.dawnFlags.length) parts.push(`flags=[${a.dawnFlags.join(' ')}]`);
  return parts.join(', ');
}

/**
 * The adapters to try, in order. What the user pinned is tried alone; otherwise a real GPU first
 * (Dawn's platform default, core features), then — on Linux, where GPU-less CI machines are — Mesa's
 * software OpenGL, which Dawn only exposes at feature level `compatibility`.
 */
export function planAttempts(o: WebGpuBackendOptions, runtime: 'node' | 'browser', platform: string): AdapterAttempt[] {
  const base = {
    adapter: o.adapter,
    powerPreference: o.powerPreference ?? 'high-performance',
    dawnFlags: o.dawnFlags ?? [],
  } as const;
  if (runtime === 'browser') {
    const levels = o.featureLevel ? [o.featureLevel] : (['core', 'compatibility'] as const);
    return levels.map((featureLevel) => ({ ...base, adapter: undefined, featureLevel }));
  }
  if (o.dawnBackend) {
    const featureLevel = o.featureLevel ?? (isGlBackend(o.dawnBackend) ? 'compatibility' : 'core');
    return [{ ...base, dawnBackend: o.dawnBackend, featureLevel }];
  }
  const first: AdapterAttempt = { ...base, featureLevel: o.featureLevel ?? 'core' };
  if (platform !== 'linux') return [first];
  return [first, { ...base, dawnBackend: 'opengl', featureLevel: 'compatibility' }];
}

export function isGlBackend(b: DawnBackendName | undefined): boolean {
  return b === 'opengl' || b === 'opengles';
}
