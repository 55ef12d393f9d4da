import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DependencyContainer } from 'tsyringe';
import { container, listStrategies, registerStrategy } from '../di/container.js';
import type { NamedStrategyFactory } from '../di/tokens.js';
import { TlError } from '../errors/tl-error.js';

/**
 * Imports a user's plugin module (`--plugin ./my-strategy.js`) so the strategies it provides become
 * usable by name. A module may register them itself on import (`registerStrategy(...)`, the way
 * `@tl/plugins` does) or export them — as `strategies` (an array) or `default` (one factory or an
 * array) of `{ name, create }` — and they are registered here. Returns the names the module added
 * (the same list again when the module was already loaded: imports are cached).
 *
 * The module must import `@tl/core` from the same installation as the caller, or it registers into
 * another container. TypeScript modules load where the runtime can (Node >= 22.18 strips types;
 * so do vitest and tsx); elsewhere compile the plugin to JavaScript first.
 */
export async function loadPluginModule(path: string, into: DependencyContainer = container): Promise<string[]> {
  const file = resolve(path);
  try {
    if (!(await stat(file)).isFile()) throw new TlError('STRATEGY', `plugin ${path}: not a file`);
  } catch (e) {
    if (e instanceof TlError) throw e;
    throw new TlError('STRATEGY', `plugin ${path}: not found (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { cause: e });
  }
  const known = loaded.get(file);
  if (known) return [...known];
  const before = new Set(listStrategies(into));
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TlError) throw inPlugin(e, path); // registerStrategy refused, e.g. a name already taken
    const hint = ['.ts', '.mts', '.cts'].includes(extname(file)) ? ' (this runtime cannot import TypeScript: compile the plugin to .js)' : '';
    throw new TlError('STRATEGY', `plugin ${path}: import failed: ${(e as Error).message}${hint}`, { cause: e });
  }
  for (const factory of exportedFactories(module, path)) {
    try {
      registerStrategy(factory, into);
    } catch (e) {
      throw e instanceof TlError ? inPlugin(e, path) : e;
    }
  }
  const added = listStrategies(into).filter((n) => !before.has(n));
  if (added.length === 0 && !exportsAny(module)) {
    throw new TlError('STRATEGY', `plugin ${path}: registers no new strategy (call registerStrategy on import, or export "strategies")`);
  }
  loaded.set(file, added);
  return added;
}

/** A TlError raised while registering a plugin's strategies, with the plugin named first. */
function inPlugin(e: TlError, path: string): TlError {
  return new TlError(e.code, `plugin ${path}: ${e.message}`, { cause: e });
}

/** Plugin files already imported, with the names each added. */
const loaded = new Map<string, readonly string[]>();

function exportedFactories(module: Record<string, unknown>, path: string): NamedStrategyFactory[] {
  const found: unknown[] = [];
  for (const key of ['strategies', 'default'] as const) {
    const v = module[key];
    if (v === undefined) continue;
    found.push(...(Array.isArray(v) ? v : [v]));
  }
  return found.map((f, i) => {
    const candidate = f as Partial<NamedStrategyFactory> | null;
    if (!candidate || typeof candidate.name !== 'string' || typeof candidate.create !== 'function') {
      throw new TlError('STRATEGY', `plugin ${path}: exported strategy #${i + 1} is not { name: string, create(options) }`);
    }
    return candidate as NamedStrategyFactory;
  });
}

function exportsAny(module: Record<string, unknown>): boolean {
  return module['strategies'] !== undefined || module['default'] !== undefined;
}
