/**
 * Where the host's time goes while a workload runs: V8's sampling CPU profiler (node:inspector, the
 * same data as `node --cpu-prof`) over one call, self time summed by layer — the addon's native
 * functions (N-API + ATen + the device's launch/copy calls), this package's kernels and backend,
 * tfjs-core (engine bookkeeping, tape, gradients), @tl/core, garbage collection — and the top
 * functions. Used by scripts/trainer-profile.mjs and the GPU device check; not part of the API.
 */
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HostProfile {
  readonly wallMs: number;
  /** Self time by layer, ms. */
  readonly layers: Record<string, number>;
  /**
   * The functions with the most self time: "name (file:line) ms". Native functions are listed by
   * their JS caller ("native ← run (kernels/linalg.js:4)"): V8 names every N-API callback alike.
   */
  readonly top: string[];
  /** The raw profile (open in Chrome DevTools / speedscope as a .cpuprofile). */
  readonly profile: unknown;
}

/**
 * The source module of a line of a script. A bundle (the device check's) is one file; esbuild marks
 * where each module starts with a `// path/to/module.js` line, so the line number tells the module.
 */
class ModuleMap {
  private readonly starts = new Map<string, { line: number; path: string }[]>();

  moduleOf(url: string, line: number): string {
    let marks = this.starts.get(url);
    if (!marks) {
      marks = [];
      try {
        const text = url.startsWith('file://') ? readFileSync(fileURLToPath(url), 'utf8') : '';
        text.split('\n').forEach((l, i) => {
          const m = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(l);
          if (m) marks!.push({ line: i, path: m[1]! });
        });
      } catch {
        // not readable: classify by the URL alone
      }
      this.starts.set(url, marks);
    }
    let found = url;
    for (const mark of marks) {
      if (mark.line > line) break;
      found = mark.path;
    }
    return found;
  }
}

/** Which layer a profile node's self time belongs to. */
function layerOf(frame: ProfileNode['callFrame'], nativeNames: ReadonlySet<string>, modules: ModuleMap): string {
  const { functionName: name, url } = frame;
  if (name === '(garbage collector)') return 'gc';
  if (name === '(idle)' || name === '(program)' || name === '(root)') return name.slice(1, -1);
  if (url === '' && nativeNames.has(name)) return 'addon (N-API + ATen)';
  if (url === '' || url.startsWith('node:')) return 'node/V8 builtins';
  const path = modules.moduleOf(url, frame.lineNumber);
  if (path.includes('tfjs-core')) return 'tfjs-core';
  if (path.includes('backend-cuda') || /(^|\/)(src|scripts|test)\//.test(path)) return '@tl/backend-cuda (JS)';
  if (path.includes('/core/')) return '@tl/core';
  return 'other JS';
}

/** Profiles `fn` (sampling every `intervalUs` µs). `nativeNames`: the addon's function names. */
export async function profileHost(fn: () => Promise<unknown>, nativeNames: Iterable<string>, intervalUs = 100): Promise<HostProfile> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object): Promise<T> =>
    new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: intervalUs });
  await post('Profiler.start');
  const t0 = performance.now();
  let profile: CpuProfile;
  try {
    await fn();
  } finally {
    profile = (await post<{ profile: CpuProfile }>('Profiler.stop')).profile;
    session.disconnect();
  }
  const wallMs = performance.now() - t0;
  const names = new Set(nativeNames);
  const modules = new ModuleMap();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const layers: Record<string, number> = {};
  const byFunction = new Map<string, number>();
  // The profiler's own stop call (under node:inspector's `post`) is not the workload's time.
  const underInspector = (id: number): boolean => {
    for (let n = byId.get(id); n; n = parentOf.get(n.id)) if (n.callFrame.url === 'node:inspector') return true;
    return false;
  };
  for (const [id, us] of selfUs) {
    if (underInspector(id)) continue;
    const frame = byId.get(id)!.callFrame;
    const layer = layerOf(frame, names, modules);
    layers[layer] = (layers[layer] ?? 0) + us / 1000;
    const label = (f: ProfileNode['callFrame']): string => {
      const file = f.url.split('/').slice(-2).join('/');
      return `${f.functionName || '(anonymous)'}${file ? ` (${file}:${f.lineNumber + 1})` : ''}`;
    };
    const caller = parentOf.get(id)?.callFrame;
    const key = layer.startsWith('addon') && caller ? `native ← ${label(caller)}` : label(frame);
    byFunction.set(key, (byFunction.get(key) ?? 0) + us / 1000);
  }
  for (const k of Object.keys(layers)) layers[k] = Math.round(layers[k]! * 10) / 10;
  const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, ms]) => `${k} ${ms.toFixed(1)}ms`);
  return { wallMs, layers, top, profile };
}
