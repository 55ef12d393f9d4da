import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Options shared by Hub downloads. Every one defaults from the environment as huggingface_hub does. */
export interface HubOptions {
  /** Branch, tag or commit hash (default "main"). */
  readonly revision?: string;
  /** Hub base URL (default `HF_ENDPOINT`, else https://huggingface.co). */
  readonly endpoint?: string;
  /** Cache root (default `HF_HUB_CACHE`, else `$HF_HOME/hub`, HF_HOME defaulting to ~/.cache/huggingface). */
  readonly cacheDir?: string;
  /** Bearer token; false sends none (default `HF_TOKEN`, else the `$HF_HOME/token` file). */
  readonly token?: string | false;
  /** Use only the cache, never the network (default: `HF_HUB_OFFLINE` is 1/true/yes/on). */
  readonly offline?: boolean;
  /** How many times an interrupted download is resumed (with a Range request) within one call (default 2). */
  readonly retries?: number;
  /** Timeout of each metadata (HEAD) request in ms (default 10 000, as huggingface_hub's etag_timeout). */
  readonly timeoutMs?: number;
  /** The fetch implementation (default: Node's built-in fetch). */
  readonly fetch?: typeof fetch;
}

export interface HubSettings {
  readonly revision: string;
  readonly endpoint: string;
  readonly cacheDir: string;
  readonly token: string | undefined;
  readonly offline: boolean;
  readonly retries: number;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
}

const DEFAULT_ENDPOINT = 'https://huggingface.co';

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'on', 'yes', 'true'].includes(value.trim().toLowerCase());
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function hfHome(env: NodeJS.ProcessEnv): string {
  return (
    nonEmpty(env['HF_HOME']) ??
    join(nonEmpty(env['XDG_CACHE_HOME']) ?? join(homedir(), '.cache'), 'huggingface')
  );
}

/** Resolves options against the environment (HF_ENDPOINT, HF_HUB_CACHE, HF_HOME, HF_TOKEN, HF_HUB_OFFLINE). */
export async function resolveHubSettings(
  options: HubOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<HubSettings> {
  const endpoint = (options.endpoint ?? nonEmpty(env['HF_ENDPOINT']) ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const cacheDir =
    options.cacheDir ??
    nonEmpty(env['HF_HUB_CACHE']) ??
    nonEmpty(env['HUGGINGFACE_HUB_CACHE']) ??
    join(hfHome(env), 'hub');
  return {
    revision: options.revision ?? 'main',
    endpoint,
    cacheDir,
    token: options.token === false ? undefined : (options.token ?? (await tokenFromEnvironment(env))),
    offline: options.offline ?? isTruthy(env['HF_HUB_OFFLINE']),
    retries: options.retries ?? 2,
    timeoutMs: options.timeoutMs ?? 10_000,
    fetch: options.fetch ?? globalThis.fetch,
  };
}

async function tokenFromEnvironment(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const fromEnv = nonEmpty(env['HF_TOKEN']) ?? nonEmpty(env['HUGGING_FACE_HUB_TOKEN']);
  if (fromEnv !== undefined) return fromEnv.trim();
  const tokenPath = nonEmpty(env['HF_TOKEN_PATH']) ?? join(hfHome(env), 'token');
  try {
    return nonEmpty((await readFile(tokenPath, 'utf8')).trim());
  } catch {
    return undefined; // no saved token: anonymous access
  }
}
