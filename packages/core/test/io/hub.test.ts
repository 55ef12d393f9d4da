import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { TlError } from '../../src/errors/tl-error.js';
import { readCheckpointFolder } from '../../src/io/checkpoint/read-checkpoint.js';
import { resolveHubSettings } from '../../src/io/hub/hub-settings.js';
import { resolvePretrained, type ResolvePretrainedOptions } from '../../src/io/hub/resolve-pretrained.js';
import { encodeSafetensors } from '../../src/io/safetensors/encode.js';
import { readSafetensorsFile } from '../../src/io/safetensors/read-file.js';
import { HF_TINY } from './fixtures.js';
import { HubTestServer } from './hub-test-server.js';

const BERT = 'tl-test/bert-cls';
const MODEL_SIZE = 148_804;

let scratch: string;
let server: HubTestServer;
let cacheDir: string;

async function makeRepoFolder(name: string, files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = join(scratch, 'repos', name);
  await mkdir(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
  return dir;
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tl-hub-'));
  const bert = join(HF_TINY, 'bert-cls');
  const config = await readFile(join(bert, 'config.json'));
  const tokenizer = await readFile(join(bert, 'tokenizer.json'));

  // A two-shard copy of bert-cls, as save_pretrained(max_shard_size=...) lays it out.
  const { tensors } = await readSafetensorsFile(join(bert, 'model.safetensors'));
  const names = [...tensors.keys()];
  const shardName = (k: number): string => `model-0000${k + 1}-of-00002.safetensors`;
  const shard = (k: number): Uint8Array =>
    encodeSafetensors(
      names.filter((_, i) => i % 2 === k).map((n) => ({ ...tensors.get(n)!, data: tensors.get(n)!.bytes })),
    );
  const sharded = await makeRepoFolder('sharded', {
    'config.json': config,
    'tokenizer.json': tokenizer,
    'model.safetensors.index.json': JSON.stringify({ weight_map: Object.fromEntries(names.map((n, i) => [n, shardName(i % 2)])) }),
    [shardName(0)]: shard(0),
    [shardName(1)]: shard(1),
  });
  const pickleOnly = await makeRepoFolder('pickle-only', {
    'config.json': config,
    'tokenizer.json': tokenizer,
    'pytorch_model.bin': 'PK\u0003\u0004 not really a zip',
  });
  const noTokenizer = await makeRepoFolder('no-tokenizer', { 'config.json': config });
  await copyFile(join(bert, 'model.safetensors'), join(noTokenizer, 'model.safetensors'));

  server = await HubTestServer.start({
    [BERT]: bert,
    'tl-test/sharded': sharded,
    'tl-test/pickle-only': pickleOnly,
    'tl-test/no-tokenizer': noTokenizer,
  });
});

afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

let testIndex = 0;
beforeEach(() => {
  cacheDir = join(scratch, `cache-${testIndex++}`);
  server.requests.length = 0;
  server.repair();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Explicit options so the machine's HF_* variables (e.g. HF_HUB_OFFLINE=1 in CI) do not leak in. */
function online(extra: ResolvePretrainedOptions = {}): ResolvePretrainedOptions {
  return { endpoint: server.endpoint, cacheDir, token: false, offline: false, ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<TlError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TlError);
  return error as TlError;
}

describe('resolvePretrained against a local Hub', () => {
  it('downloads a fresh checkpoint into the huggingface_hub cache layout', async () => {
    const dir = await resolvePretrained(BERT, online());
    const commit = server.commitOf(BERT);
    const repoRoot = join(cacheDir, 'models--tl-test--bert-cls');
    expect(dir).toBe(join(repoRoot, 'snapshots', commit));
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    expect(await readFile(join(repoRoot, 'refs', 'main'), 'utf8')).toBe(commit);

    // Snapshot entries are relative links to blobs named by etag: sha256 for LFS, git sha1 otherwise.
    const model = server.fileOf(BERT, 'model.safetensors');
    expect((await lstat(join(dir, 'model.safetensors'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(dir, 'model.safetensors'))).toBe(join('..', '..', 'blobs', model.sha256));
    expect(await readlink(join(dir, 'config.json'))).toBe(join('..', '..', 'blobs', server.fileOf(BERT, 'config.json').gitSha1));
    expect((await readFile(join(repoRoot, 'blobs', model.sha256))).equals(model.content)).toBe(true);
    // Optional files the repo lacks are remembered as absent at this commit.
    expect((await readdir(join(repoRoot, '.no_exist', commit))).sort()).toEqual(['special_tokens_map.json', 'vocab.txt']);

    const folder = await readCheckpointFolder(dir, { requireTokenizer: true });
    expect(folder.weights.size).toBe(41);

    // The branch is resolved once; every other file is fetched at that commit.
    const heads = server.requestsTo('hub', 'HEAD').map((r) => r.path);
    expect(heads[0]).toBe(`/${BERT}/resolve/main/config.json`);
    expect(heads.slice(1).every((p) => p.includes(`/resolve/${commit}/`))).toBe(true);
    expect(server.requestsTo('cdn', 'GET')).toHaveLength(1);
  });

  it('answers a second call from the cache: one HEAD, no GET', async () => {
    const first = await resolvePretrained(BERT, online());
    server.requests.length = 0;
    const second = await resolvePretrained(BERT, online());
    expect(second).toBe(first);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`HEAD /${BERT}/resolve/main/config.json`]);
  });

  it('offline mode uses only the cache, from the option or HF_HUB_OFFLINE', async () => {
    const dir = await resolvePretrained(BERT, online());
    server.requests.length = 0;
    expect(await resolvePretrained(BERT, online({ offline: true }))).toBe(dir);
    vi.stubEnv('HF_HUB_OFFLINE', '1');
    expect(await resolvePretrained(BERT, { endpoint: server.endpoint, cacheDir })).toBe(dir);
    expect(server.requests).toEqual([]);

    const error = await rejection(resolvePretrained('tl-test/sharded', { endpoint: server.endpoint, cacheDir }));
    expect(error.code).toBe('HUB');
    expect(error.message).toMatch(/^no folder "tl-test\/sharded" exists in .+; as a Hub model id: offline mode \(HF_HUB_OFFLINE\): tl-test\/sharded@main is not in the cache .*models--tl-test--sharded; download it once online first$/);
    expect(server.requests).toEqual([]);
  });

  it('keeps a download cut midway and resumes it with a Range request', async () => {
    server.cutNextTransfer(BERT, 'model.safetensors', 50_000);
    const error = await rejection(resolvePretrained(BERT, online({ retries: 0 })));
    expect(error.code).toBe('HUB');
    expect(error.message).toMatch(new RegExp(`model\\.safetensors: download interrupted at \\d+ of ${MODEL_SIZE} bytes .*the next run resumes it`));

    const model = server.fileOf(BERT, 'model.safetensors');
    const blobs = join(cacheDir, 'models--tl-test--bert-cls', 'blobs');
    const partial = (await stat(join(blobs, `${model.sha256}.incomplete`))).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(MODEL_SIZE);
    await expect(stat(join(blobs, model.sha256))).rejects.toThrow(/ENOENT/);

    server.requests.length = 0;
    const dir = await resolvePretrained(BERT, online({ retries: 0 }));
    expect(server.requestsTo('cdn', 'GET').map((r) => r.range)).toEqual([`bytes=${partial}-`]);
    expect((await readFile(join(dir, 'model.safetensors'))).equals(model.content)).toBe(true);
    expect(await readdir(blobs)).not.toContain(`${model.sha256}.incomplete`);
  });

  it('resumes within the same call when retries are allowed', async () => {
    server.cutNextTransfer(BERT, 'model.safetensors', 30_000);
    const dir = await resolvePretrained(BERT, online());
    const ranges = server.requestsTo('cdn', 'GET').map((r) => r.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeUndefined();
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
    expect((await readFile(join(dir, 'model.safetensors'))).equals(server.fileOf(BERT, 'model.safetensors').content)).toBe(true);
  });

  it('rejects and deletes a blob whose sha256 does not match its etag', async () => {
    server.corrupt(BERT, 'model.safetensors');
    const model = server.fileOf(BERT, 'model.safetensors');
    const error = await rejection(resolvePretrained(BERT, online()));
    expect(error.code).toBe('HUB');
    expect(error.message).toMatch(new RegExp(`sha256 of the download is [0-9a-f]{64}, expected ${model.sha256}; the corrupt file was deleted`));
    const repoRoot = join(cacheDir, 'models--tl-test--bert-cls');
    expect((await readdir(join(repoRoot, 'blobs'))).filter((f) => f.startsWith(model.sha256))).toEqual([]);
    await expect(stat(join(repoRoot, 'snapshots', server.commitOf(BERT), 'model.safetensors'))).rejects.toThrow(/ENOENT/);

    server.repair();
    const dir = await resolvePretrained(BERT, online());
    expect((await readFile(join(dir, 'model.safetensors'))).equals(model.content)).toBe(true);
  });

  it('lets concurrent callers share one download of each blob', async () => {
    const dirs = await Promise.all([resolvePretrained(BERT, online()), resolvePretrained(BERT, online())]);
    expect(dirs[0]).toBe(dirs[1]);
    expect(server.requestsTo('cdn', 'GET')).toHaveLength(1);
    expect((await readFile(join(dirs[0], 'model.safetensors'))).equals(server.fileOf(BERT, 'model.safetensors').content)).toBe(true);
    expect((await readdir(join(cacheDir, 'models--tl-test--bert-cls', 'blobs'))).filter((f) => /\.(lock|incomplete)$/.test(f))).toEqual([]);
  });

  it('reports a repository that does not exist, and an unknown revision', async () => {
    const error = await rejection(resolvePretrained('tl-test/does-not-exist', online()));
    expect(error.code).toBe('HUB');
    expect(error.message).toMatch(
      /^no folder "tl-test\/does-not-exist" exists in .+; as a Hub model id: tl-test\/does-not-exist: repository not found on http:\/\/127\.0\.0\.1:\d+ or not accessible \(no token sent: set HF_TOKEN for private or gated repos\) \(HTTP 401\)$/,
    );
    expect((await rejection(resolvePretrained(BERT, online({ revision: 'v9' })))).message).toMatch(/tl-test\/bert-cls: revision "v9" not found/);
  });

  it('downloads a sharded checkpoint: the index, then each shard', async () => {
    const dir = await resolvePretrained('tl-test/sharded', online());
    expect((await readdir(dir)).sort()).toEqual([
      'config.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
      'model.safetensors.index.json',
      'tokenizer.json',
    ]);
    expect((await readCheckpointFolder(dir)).weights.size).toBe(41);
    expect(await resolvePretrained('tl-test/sharded', online({ offline: true }))).toBe(dir);
  });

  it('refuses a repository that has only pickled weights, without downloading them', async () => {
    const error = await rejection(resolvePretrained('tl-test/pickle-only', online()));
    expect(error.code).toBe('CHECKPOINT');
    expect(error.message).toMatch(/tl-test\/pickle-only@main: the repository has only pytorch_model\.bin, and tl reads weights from safetensors only/);
    expect(error.message).toMatch(/safe_serialization=True/);
    expect(server.requestsTo('cdn')).toEqual([]);
  });

  it('requires tokenizer.json unless told otherwise', async () => {
    const error = await rejection(resolvePretrained('tl-test/no-tokenizer', online()));
    expect(error.message).toBe('tl-test/no-tokenizer@main: the repository has no tokenizer.json');
    const dir = await resolvePretrained('tl-test/no-tokenizer', online({ requireTokenizer: false }));
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors']);
  });

  it('sends the token to the Hub as a Bearer header, never to the CDN', async () => {
    vi.stubEnv('HF_TOKEN', 'hf_from_env');
    await resolvePretrained(BERT, { endpoint: server.endpoint, cacheDir, offline: false });
    const hub = server.requestsTo('hub');
    expect(hub.length).toBeGreaterThan(0);
    expect(hub.every((r) => r.authorization === 'Bearer hf_from_env')).toBe(true);
    const cdn = server.requestsTo('cdn');
    expect(cdn).toHaveLength(1);
    expect(cdn[0]!.authorization).toBeUndefined();
  });

  it('falls back to the cache when the Hub is unreachable, and says so when it cannot', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadEndpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));

    const dir = await resolvePretrained(BERT, online());
    expect(await resolvePretrained(BERT, online({ endpoint: deadEndpoint }))).toBe(dir);
    const error = await rejection(resolvePretrained('tl-test/sharded', online({ endpoint: deadEndpoint })));
    expect(error.message).toMatch(/^no folder "tl-test\/sharded" exists in .+; as a Hub model id: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): tl-test\/sharded@main is not in the cache/);
  });

  it('returns an existing folder unchanged and rejects a missing path', async () => {
    const local = join(HF_TINY, 'bert-cls');
    expect(await resolvePretrained(local, online())).toBe(local);
    const missing = await rejection(resolvePretrained('./no/such/model', online()));
    expect(missing.code).toBe('CHECKPOINT');
    expect(missing.message).toBe('./no/such/model: no such folder');
    expect((await rejection(resolvePretrained('bad--name/x', online()))).message).toMatch(/neither an existing folder nor a Hub model id/);
    expect(server.requests).toEqual([]);
  });
});

describe('resolveHubSettings', () => {
  it('reads the huggingface_hub environment variables', async () => {
    const home = await mkdtemp(join(tmpdir(), 'tl-hf-home-'));
    await writeFile(join(home, 'token'), 'hf_saved\n');
    const fromHome = await resolveHubSettings({}, { HF_HOME: home, HF_ENDPOINT: 'https://mirror.example/', HF_HUB_OFFLINE: 'true' });
    expect(fromHome).toMatchObject({
      cacheDir: join(home, 'hub'),
      endpoint: 'https://mirror.example',
      token: 'hf_saved',
      offline: true,
      revision: 'main',
    });
    const explicit = await resolveHubSettings({}, { HF_HOME: home, HF_HUB_CACHE: '/cache/hub', HF_TOKEN: 'hf_env', HF_HUB_OFFLINE: '0' });
    expect(explicit).toMatchObject({ cacheDir: '/cache/hub', token: 'hf_env', offline: false, endpoint: 'https://huggingface.co' });
    expect((await resolveHubSettings({ token: false }, { HF_TOKEN: 'hf_env' })).token).toBeUndefined();
    expect((await resolveHubSettings({}, { XDG_CACHE_HOME: '/xdg' })).cacheDir).toBe(join('/xdg', 'huggingface', 'hub'));
    await rm(home, { recursive: true, force: true });
  });
});
