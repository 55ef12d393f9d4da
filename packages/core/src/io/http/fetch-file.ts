import { TlError, type TlErrorCode } from '../../errors/tl-error.js';

/**
 * Files of a model folder served over HTTP(S): what a browser has instead of a file system (and
 * what Node's fetch reads too). Errors are TlErrors of the caller's code naming the URL.
 */

/**
 * A folder URL as a base for its files: relative URLs resolve against the page (`location`), and a
 * missing trailing slash is added, so `./model` and `./model/` both name the folder.
 */
export function folderUrl(url: string | URL, code: TlErrorCode): URL {
  const base = typeof location !== 'undefined' ? location.href : undefined;
  let resolved: URL;
  try {
    resolved = new URL(url, base);
  } catch (e) {
    throw new TlError(code, `${String(url)}: not a URL${base ? '' : ' (outside a browser it must be absolute, e.g. http://host/model/)'}`, { cause: e });
  }
  if (!resolved.pathname.endsWith('/')) resolved.pathname += '/';
  return resolved;
}

/** GET `url`; undefined when the server answers 404 (the file is absent), an error for anything else. */
export async function fetchIfPresent(url: URL, code: TlErrorCode, init?: RequestInit): Promise<Response | undefined> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new TlError(code, `${url.href}: fetch failed (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw new TlError(code, `${url.href}: HTTP ${response.status} ${response.statusText}`.trimEnd());
  return response;
}

/** GET `url`, which must exist; `what` says why it is needed when it does not. */
export async function fetchRequired(url: URL, code: TlErrorCode, what: string, init?: RequestInit): Promise<Response> {
  const response = await fetchIfPresent(url, code, init);
  if (!response) throw new TlError(code, `${url.href}: not found (HTTP 404); ${what}`);
  return response;
}

/** The body as text; undefined when absent (404). */
export async function fetchTextIfPresent(url: URL, code: TlErrorCode, init?: RequestInit): Promise<string | undefined> {
  const response = await fetchIfPresent(url, code, init);
  return response === undefined ? undefined : readBody(url, code, () => response.text());
}

/** The body's bytes; undefined when absent (404). */
export async function fetchBytesIfPresent(url: URL, code: TlErrorCode, init?: RequestInit): Promise<Uint8Array | undefined> {
  const response = await fetchIfPresent(url, code, init);
  return response === undefined ? undefined : new Uint8Array(await readBody(url, code, () => response.arrayBuffer()));
}

/** The body's bytes; `what` says why the file is needed when it is absent. */
export async function fetchBytes(url: URL, code: TlErrorCode, what: string, init?: RequestInit): Promise<Uint8Array> {
  const response = await fetchRequired(url, code, what, init);
  return new Uint8Array(await readBody(url, code, () => response.arrayBuffer()));
}

async function readBody<T>(url: URL, code: TlErrorCode, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw new TlError(code, `${url.href}: download interrupted (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}
