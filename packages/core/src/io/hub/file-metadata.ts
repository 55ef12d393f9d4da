import { TlError } from '../../errors/tl-error.js';
import type { HubSettings } from './hub-settings.js';

/** What a HEAD on `{endpoint}/{repo}/resolve/{revision}/{file}` tells about one file. */
export interface HubFileMetadata {
  /** X-Repo-Commit: the commit the revision resolved to. */
  readonly commit: string;
  /** X-Linked-Etag (LFS files: their sha256) or ETag (git files: their blob sha1), unquoted. */
  readonly etag: string;
  /** X-Linked-Size or Content-Length: the size of the file's content. */
  readonly size: number;
  /** Where to GET the content: the CDN location of an LFS redirect, else the resolve URL. */
  readonly location: string;
}

export type MetadataResult =
  | { readonly kind: 'found'; readonly metadata: HubFileMetadata }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unreachable'; readonly reason: string };

export function resolveUrl(settings: HubSettings, repoId: string, revision: string, file: string): string {
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `${settings.endpoint}/${repoId}/resolve/${encodeURIComponent(revision)}/${path}`;
}

export function authHeaders(settings: HubSettings): Record<string, string> {
  return settings.token === undefined ? {} : { authorization: `Bearer ${settings.token}` };
}

const MAX_RELATIVE_REDIRECTS = 5;

/**
 * HEADs a file's resolve URL as huggingface_hub does: identity encoding (so Content-Length is the
 * real size), redirects not followed except relative ones (a renamed repo), an absolute redirect
 * being the CDN location of an LFS file. Hub error codes become TlErrors naming the repo and file;
 * a missing file is reported as such so optional files can be skipped; network failures are
 * reported as unreachable so the caller can fall back to the cache.
 */
export async function fetchFileMetadata(
  settings: HubSettings,
  repoId: string,
  revision: string,
  file: string,
): Promise<MetadataResult> {
  let url = resolveUrl(settings, repoId, revision, file);
  const what = `${repoId}@${revision}: ${file}`;
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await settings.fetch(url, {
        method: 'HEAD',
        redirect: 'manual',
        headers: { ...authHeaders(settings), 'accept-encoding': 'identity' },
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
    } catch (e) {
      return { kind: 'unreachable', reason: describeNetworkError(e) };
    }

    if (response.status >= 300 && response.status < 400) {
      const target = response.headers.get('location');
      if (target === null) throw new TlError('HUB', `${what}: HTTP ${response.status} without a Location header from ${url}`);
      const next = new URL(target, url);
      if (isRelativeLocation(target)) {
        if (hop >= MAX_RELATIVE_REDIRECTS) throw new TlError('HUB', `${what}: too many redirects from ${url}`);
        url = next.href;
        continue;
      }
      return { kind: 'found', metadata: readMetadata(response, next.href, what) };
    }
    if (response.ok) return { kind: 'found', metadata: readMetadata(response, url, what) };
    return classifyError(response, repoId, revision, file, settings);
  }
}

function isRelativeLocation(location: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(location) && !location.startsWith('//');
}

function readMetadata(response: Response, location: string, what: string): HubFileMetadata {
  const commit = response.headers.get('x-repo-commit');
  const rawEtag = response.headers.get('x-linked-etag') ?? response.headers.get('etag');
  const rawSize = response.headers.get('x-linked-size') ?? response.headers.get('content-length');
  if (commit === null || rawEtag === null) {
    throw new TlError(
      'HUB',
      `${what}: the server did not send X-Repo-Commit and ETag headers; is HF_ENDPOINT a Hugging Face Hub?`,
    );
  }
  const size = rawSize === null ? NaN : Number(rawSize);
  if (!Number.isSafeInteger(size) || size < 0) throw new TlError('HUB', `${what}: the server sent no valid file size`);
  return { commit, etag: normalizeEtag(rawEtag), size, location };
}

/** `W/"abc"` or `"abc"` → `abc`: a name fit for blobs/<etag>. */
export function normalizeEtag(etag: string): string {
  const value = etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  if (!/^[\w.-]+$/.test(value)) throw new TlError('HUB', `unusable ETag ${JSON.stringify(etag)} from the server`);
  return value;
}

function classifyError(
  response: Response,
  repoId: string,
  revision: string,
  file: string,
  settings: HubSettings,
): MetadataResult {
  const code = response.headers.get('x-error-code');
  const status = response.status;
  const auth = settings.token === undefined ? ' (no token sent: set HF_TOKEN for private or gated repos)' : '';
  if (code === 'RepoNotFound' || ((status === 401 || status === 403) && code !== 'GatedRepo')) {
    throw new TlError('HUB', `${repoId}: repository not found on ${settings.endpoint} or not accessible${auth} (HTTP ${status})`);
  }
  if (code === 'GatedRepo') {
    throw new TlError('HUB', `${repoId}: gated repository; accept its terms on the Hub and set HF_TOKEN (HTTP ${status})`);
  }
  if (code === 'RevisionNotFound') {
    throw new TlError('HUB', `${repoId}: revision "${revision}" not found (HTTP ${status})`);
  }
  if (status === 404) return { kind: 'missing' };
  throw new TlError('HUB', `${repoId}@${revision}: ${file}: HTTP ${status} ${response.statusText} from ${settings.endpoint}`);
}

export function describeNetworkError(e: unknown): string {
  if (e instanceof Error) {
    const cause = e.cause as { code?: string; message?: string } | undefined;
    if (e.name === 'TimeoutError') return 'timed out';
    return cause?.code ?? cause?.message ?? e.message;
  }
  return String(e);
}
