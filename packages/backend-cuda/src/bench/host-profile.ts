/**
 * Where the host's time goes while a workload runs: V8's sampling CPU profiler (node:inspector, the
 * same data as `node --cpu-prof`) over one call, self time summed by layer — the addon's native
 * functions (N-API + ATen + the device's launch/copy calls), this package's kernels and backend,
 * tfjs-core (engine bookkeeping, tape, gradients), @tl/core, garbage collection — and the top
 * functions. Used by scripts/trainer-profile.mjs and the GPU device check; not part of the API.
 */
import { Session } from 'node:inspector';

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

/** Which layer a profile node's self time belongs to. */
function layerOf(frame: ProfileNode['callFrame'], nativeNames: ReadonlySet<string>): string {
  const { functionName: name, url } = frame;
  if (name === '(garbage collector)') return 'gc';
  if (name === '(idle)' || name === '(program)' || name === '(root)') return name.slice(1, -1);
  if (url === '' && nativeNames.has(name)) return 'addon (N-API + ATen)';
  if (url.includes('backend-cuda')) return '@tl/backend-cuda (JS)';
  if (url.includes('tfjs-core')) return 'tfjs-core';
  if (url.includes('/core/')) return '@tl/core';
  if (url === '') return 'node/V8 builtins';
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
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const layers: Record<string, number> = {};
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const layer = layerOf(frame, names);
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
