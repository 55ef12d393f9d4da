import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A stand-in for the Hugging Face Hub on 127.0.0.1, serving fixture folders in the Hub's URL layout
 * and with its headers, as seen from huggingface_hub:
 * - `HEAD|GET /{org}/{name}/resolve/{revision}/{file}` → 200 with ETag (git blob sha1) and
 *   X-Repo-Commit for regular files; for LFS files (*.safetensors, *.bin) a 302 to a separate CDN
 *   origin with X-Linked-Etag (sha256) and X-Linked-Size; 404 + X-Error-Code EntryNotFound for a
 *   missing file, RevisionNotFound for an unknown revision, 401 + RepoNotFound for an unknown repo.
 * - the CDN `GET /blobs/{sha256}` honours `Range: bytes=N-` with 206.
 * Failure injection: cut a CDN transfer after N bytes (once), or serve a corrupted blob.
 * Every request is recorded for assertions.
 */

export interface RecordedRequest {
  readonly server: 'hub' | 'cdn';
  readonly method: string;
  readonly path: string;
  readonly range?: string;
  readonly authorization?: string;
}

interface ServedFile {
  readonly content: Buffer;
  readonly gitSha1: string;
  readonly sha256: string;
  readonly lfs: boolean;
}

interface ServedRepo {
  readonly commit: string;
  readonly files: Map<string, ServedFile>;
}

const sha1 = (data: Buffer | string): string => createHash('sha1').update(data).digest('hex');
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

function loadRepo(id: string, dir: string): ServedRepo {
  const files = new Map<string, ServedFile>();
  for (const name of readdirSync(dir)) {
    const content = readFileSync(join(dir, name));
    files.set(name, {
      content,
      // git's blob id: sha1 of "blob <size>\0" + content.
      gitSha1: sha1(Buffer.concat([Buffer.from(`blob ${content.byteLength}\0`), content])),
      sha256: sha256(content),
      lfs: /\.(safetensors|bin)$/.test(name),
    });
  }
  return { commit: sha1(`commit of ${id}`), files };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export class HubTestServer {
  readonly requests: RecordedRequest[] = [];
  private readonly repos = new Map<string, ServedRepo>();
  private readonly cutAfter = new Map<string, number>();
  private readonly corrupted = new Set<string>();
  private readonly hub = createServer((req, res) => this.serveHub(req, res));
  private readonly cdn = createServer((req, res) => this.serveCdn(req, res));
  endpoint = '';
  private cdnOrigin = '';

  static async start(repos: Record<string, string>): Promise<HubTestServer> {
    const server = new HubTestServer();
    for (const [id, dir] of Object.entries(repos)) server.repos.set(id, loadRepo(id, dir));
    server.endpoint = await listen(server.hub);
    server.cdnOrigin = await listen(server.cdn);
    return server;
  }

  async close(): Promise<void> {
    this.hub.closeAllConnections();
    this.cdn.closeAllConnections();
    await Promise.all([this.hub, this.cdn].map((s) => new Promise((resolve) => s.close(resolve))));
  }

  commitOf(id: string): string {
    return this.repos.get(id)!.commit;
  }

  fileOf(id: string, name: string): ServedFile {
    return this.repos.get(id)!.files.get(name)!;
  }

  /** The next CDN transfer of this file sends `bytes` bytes, then the connection drops. */
  cutNextTransfer(id: string, name: string, bytes: number): void {
    this.cutAfter.set(this.fileOf(id, name).sha256, bytes);
  }

  /** Serve this file with one byte altered (same size), until `repair`. */
  corrupt(id: string, name: string): void {
    this.corrupted.add(this.fileOf(id, name).sha256);
  }

  repair(): void {
    this.corrupted.clear();
  }

  requestsTo(server: 'hub' | 'cdn', method?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.server === server && (method === undefined || r.method === method));
  }

  private record(server: 'hub' | 'cdn', req: IncomingMessage): void {
    this.requests.push({
      server,
      method: req.method ?? '',
      path: req.url ?? '',
      ...(req.headers.range !== undefined && { range: req.headers.range }),
      ...(req.headers.authorization !== undefined && { authorization: req.headers.authorization }),
    });
  }

  private serveHub(req: IncomingMessage, res: ServerResponse): void {
    this.record('hub', req);
    const match = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(req.url ?? '');
    if (match === null) return void res.writeHead(404).end();
    const [, id, revision, file] = match.map((part) => decodeURIComponent(part)) as [string, string, string, string];
    const repo = this.repos.get(id);
    if (repo === undefined) {
      // The Hub answers 401 for a repo that does not exist (or is private) to anonymous callers.
      return void res.writeHead(401, { 'x-error-code': 'RepoNotFound' }).end('Repository not found');
    }
    if (revision !== 'main' && revision !== repo.commit) {
      return void res.writeHead(404, { 'x-error-code': 'RevisionNotFound' }).end('Invalid rev id');
    }
    const served = repo.files.get(file);
    if (served === undefined) {
      return void res.writeHead(404, { 'x-error-code': 'EntryNotFound', 'x-repo-commit': repo.commit }).end('Entry not found');
    }
    if (served.lfs) {
      res.writeHead(302, {
        location: `${this.cdnOrigin}/blobs/${served.sha256}`,
        'x-repo-commit': repo.commit,
        'x-linked-etag': `"${served.sha256}"`,
        'x-linked-size': String(served.content.byteLength),
        etag: `"${sha1(`pointer ${served.sha256}`)}"`,
      });
      return void res.end();
    }
    this.sendContent(req, res, served.content, { etag: `"${served.gitSha1}"`, 'x-repo-commit': repo.commit });
  }

  private serveCdn(req: IncomingMessage, res: ServerResponse): void {
    this.record('cdn', req);
    const sha = /^\/blobs\/([0-9a-f]{64})$/.exec(req.url ?? '')?.[1];
    const served = [...this.repos.values()].flatMap((r) => [...r.files.values()]).find((f) => f.sha256 === sha);
    if (sha === undefined || served === undefined) return void res.writeHead(404).end();
    let content = served.content;
    if (this.corrupted.has(sha)) {
      content = Buffer.from(content);
      content[content.byteLength >> 1] ^= 0x40;
    }
    const cut = this.cutAfter.get(sha);
    this.cutAfter.delete(sha);
    this.sendContent(req, res, content, {}, cut);
  }

  private sendContent(
    req: IncomingMessage,
    res: ServerResponse,
    content: Buffer,
    headers: Record<string, string>,
    cutAfter?: number,
  ): void {
    let body = content;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range !== null) {
      const start = Number(range[1]);
      if (start >= content.byteLength) {
        return void res.writeHead(416, { 'content-range': `bytes */${content.byteLength}` }).end();
      }
      body = content.subarray(start);
      status = 206;
      headers['content-range'] = `bytes ${start}-${content.byteLength - 1}/${content.byteLength}`;
    }
    res.writeHead(status, { ...headers, 'accept-ranges': 'bytes', 'content-length': String(body.byteLength) });
    if (req.method === 'HEAD') return void res.end();
    if (cutAfter !== undefined) {
      // Send a prefix, then drop the connection mid-body.
      res.write(body.subarray(0, cutAfter), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    res.end(body);
  }
}
