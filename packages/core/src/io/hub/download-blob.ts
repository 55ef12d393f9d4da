import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { TlError } from '../../errors/tl-error.js';
import { authHeaders, describeNetworkError, type HubFileMetadata } from './file-metadata.js';
import type { HubSettings } from './hub-settings.js';

export interface BlobTarget {
  /** Final path: blobs/<etag>. */
  readonly blobPath: string;
  /** Partial download, kept across failures so the next attempt resumes: blobs/<etag>.incomplete. */
  readonly incompletePath: string;
  /** For messages: "org/name@rev: file". */
  readonly label: string;
}

/** An LFS etag is the sha256 of the content, which can then be verified. */
function isSha256(etag: string): boolean {
  return /^[0-9a-f]{64}$/.test(etag);
}

/**
 * Downloads a file's content into its blob. Bytes are streamed to `<blob>.incomplete`; an
 * interrupted transfer is resumed with a Range request (now, up to `settings.retries` times, or in a
 * later call), a server that ignores Range restarts it from zero. The result must have the size the
 * metadata announced and, for LFS files, the sha256 their etag names; a corrupt download is deleted
 * and reported. Only then is it renamed into place, so blobs/<etag> is always complete.
 */
export async function downloadBlob(settings: HubSettings, metadata: HubFileMetadata, target: BlobTarget): Promise<void> {
  const { incompletePath, label } = target;
  for (let attempt = 0; ; attempt++) {
    let have = await sizeOf(incompletePath);
    if (have > metadata.size) {
      await rm(incompletePath, { force: true }); // stale partial of something else: start over
      have = 0;
    }
    if (have === metadata.size) break;
    try {
      await fetchInto(settings, metadata, incompletePath, have, label);
    } catch (e) {
      if (e instanceof TlError) throw e;
      const got = await sizeOf(incompletePath);
      if (attempt < settings.retries) continue;
      throw new TlError(
        'HUB',
        `${label}: download interrupted at ${got} of ${metadata.size} bytes (${describeNetworkError(e)}); ` +
          `the partial file ${incompletePath} is kept and the next run resumes it`,
        { cause: e },
      );
    }
    const got = await sizeOf(incompletePath);
    if (got === metadata.size) break;
    if (got < metadata.size && attempt < settings.retries) continue;
    await rm(incompletePath, { force: true });
    throw new TlError('HUB', `${label}: downloaded ${got} bytes but the Hub announced ${metadata.size}; deleted it`);
  }

  if (isSha256(metadata.etag)) {
    const actual = await sha256File(incompletePath);
    if (actual !== metadata.etag) {
      await rm(incompletePath, { force: true });
      throw new TlError(
        'HUB',
        `${label}: sha256 of the download is ${actual}, expected ${metadata.etag}; the corrupt file was deleted, run again`,
      );
    }
  }
  await rename(incompletePath, target.blobPath);
}

async function fetchInto(
  settings: HubSettings,
  metadata: HubFileMetadata,
  path: string,
  resumeFrom: number,
  label: string,
): Promise<void> {
  // The token goes to the Hub only, never to a CDN host it redirects to.
  const sameOrigin = new URL(metadata.location).origin === new URL(settings.endpoint).origin;
  const headers: Record<string, string> = { 'accept-encoding': 'identity', ...(sameOrigin ? authHeaders(settings) : {}) };
  if (resumeFrom > 0) headers['range'] = `bytes=${resumeFrom}-`;

  const response = await settings.fetch(metadata.location, { headers, redirect: 'follow' });
  let append = false;
  if (response.status === 206 && resumeFrom > 0) {
    const start = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1];
    if (Number(start) !== resumeFrom) {
      await response.body?.cancel();
      await rm(path, { force: true });
      throw new Error(`server resumed at byte ${start ?? '?'} instead of ${resumeFrom}`);
    }
    append = true;
  } else if (response.status === 416) {
    await response.body?.cancel();
    await rm(path, { force: true }); // our partial no longer matches the file: start over
    throw new Error('range not satisfiable');
  } else if (!response.ok) {
    await response.body?.cancel();
    throw new TlError('HUB', `${label}: HTTP ${response.status} ${response.statusText} downloading ${metadata.location}`);
  }
  if (response.body === null) throw new Error('empty response body');
  // The body is read as fast as it arrives and written behind the reader, up to MAX_UNWRITTEN bytes:
  // chunks still queued in the response stream when the connection drops are discarded with it, so
  // reading must not wait on the disk; and every byte read is on disk before the error goes on, so
  // the next attempt resumes from all that was delivered.
  const file = open(path, append ? 'a' : 'w');
  let written: Promise<void> = file.then(() => undefined);
  let unwritten = 0;
  try {
    for await (const chunk of response.body as WebReadableStream<Uint8Array>) {
      unwritten += chunk.byteLength;
      written = written.then(async () => {
        await (await file).writeFile(chunk); // all of it, from the current position
        unwritten -= chunk.byteLength;
      });
      if (unwritten > MAX_UNWRITTEN) await written;
    }
  } finally {
    await written.finally(async () => (await file).close());
  }
}

/** Bytes read but not yet written before the reader waits for the disk. */
const MAX_UNWRITTEN = 8 * 1024 * 1024;

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
