import { readFile, stat } from 'node:fs/promises';
import { isTlError, TlError } from '../../errors/tl-error.js';
import {
  CONFIG_FILE,
  SAFE_WEIGHTS_FILE,
  SAFE_WEIGHTS_INDEX_FILE,
  SPECIAL_TOKENS_MAP_FILE,
  TOKENIZER_CONFIG_FILE,
  TOKENIZER_FILE,
  VOCAB_FILE,
} from '../checkpoint/file-names.js';
import { parseWeightMap } from '../checkpoint/read-weights.js';
import { fetchFileMetadata } from './file-metadata.js';
import { hubDownload } from './hub-download.js';
import { resolveHubSettings, type HubOptions, type HubSettings } from './hub-settings.js';
import { RepoCache } from './repo-cache.js';
import { shippedModelDir } from '@tl/models';

export interface ResolvePretrainedOptions extends HubOptions {
  /** Require tokenizer.json in the repo (default true: tl tokenizes with it). */
  readonly requireTokenizer?: boolean;
}

/** Fetched when the repo has them; their absence is fine. */
const OPTIONAL_FILES = [TOKENIZER_CONFIG_FILE, SPECIAL_TOKENS_MAP_FILE, VOCAB_FILE] as const;

/** Files that mean "weights exist, but not as safetensors" when a repo has no safetensors. */
const PICKLE_WEIGHT_FILES = ['pytorch_model.bin', 'pytorch_model.bin.index.json'] as const;

/**
 * Turns a local folder or a Hub model id into a local checkpoint folder.
 *
 * - An existing path is returned unchanged.
 * - A short id of a model shipped in @tl/models (`tl-bert-en-small`) gives its folder, offline.
 * - `name` or `org/name` is fetched from `{endpoint}/{id}/resolve/{revision}/{file}` into the
 *   huggingface_hub cache (so Python tools share it) and the snapshot folder
 *   `…/models--org--name/snapshots/<commit>` is returned: config.json, model.safetensors or the
 *   sharded index with its shards, tokenizer.json, and the optional tokenizer side files. All files
 *   come from the one commit the revision resolved to first, so a branch moving mid-download cannot
 *   mix two versions. Files already cached are not downloaded again.
 * - Offline (`offline: true` or HF_HUB_OFFLINE=1) only the cache is read; when the Hub cannot be
 *   reached the cache is used too, as huggingface_hub does.
 */
export async function resolvePretrained(idOrPath: string, options: ResolvePretrainedOptions = {}): Promise<string> {
  if (await isLocalFolder(idOrPath)) return idOrPath;
  const shipped = shippedModelDir(idOrPath);
  if (shipped !== undefined) return shipped;
  if (looksLikePath(idOrPath)) throw new TlError('CHECKPOINT', `${idOrPath}: no such folder`);
  if (!isRepoId(idOrPath)) {
    throw new TlError('HUB', `"${idOrPath}" is neither an existing folder nor a Hub model id like "org/name"`);
  }

  const settings = await resolveHubSettings(options);
  const requireTokenizer = options.requireTokenizer ?? true;
  const cache = new RepoCache(settings.cacheDir, idOrPath);
  // Until the Hub has the repository, the name may have been meant as a local folder: failures of
  // that first lookup say that there is no such folder before what the Hub (or the cache) said.
  const noFolder = (e: unknown): never => {
    if (!isTlError(e) || e.code !== 'HUB') throw e;
    throw new TlError('HUB', `no folder "${idOrPath}" exists in ${process.cwd()}; as a Hub model id: ${e.message}`, { cause: e });
  };
  if (settings.offline) {
    return resolveFromCache(cache, settings.revision, requireTokenizer, 'offline mode (HF_HUB_OFFLINE)').catch(noFolder);
  }

  const first = await hubDownload(settings, cache, settings.revision, CONFIG_FILE).catch(noFolder);
  if ('unreachable' in first) {
    return resolveFromCache(
      cache,
      settings.revision,
      requireTokenizer,
      `cannot reach ${settings.endpoint} (${first.unreachable})`,
    ).catch(noFolder);
  }
  const label = `${idOrPath}@${settings.revision}`;
  if (first.path === undefined) throw new TlError('HUB', `${label}: the repository has no ${CONFIG_FILE}`);

  const commit = first.commit;
  const fetchFile = async (file: string, required: boolean): Promise<string | undefined> => {
    const result = await hubDownload(settings, cache, commit, file);
    if ('unreachable' in result) {
      throw new TlError('HUB', `${label}: lost the connection to ${settings.endpoint} fetching ${file} (${result.unreachable}); run again to resume`);
    }
    if (result.path === undefined && required) throw new TlError('HUB', `${label}: the repository has no ${file}`);
    return result.path;
  };

  if ((await fetchFile(SAFE_WEIGHTS_FILE, false)) === undefined) {
    const indexPath = await fetchFile(SAFE_WEIGHTS_INDEX_FILE, false);
    if (indexPath === undefined) await refuseRepoWithoutSafetensors(settings, idOrPath, commit, label);
    else for (const shard of await shardsOf(indexPath)) await fetchFile(shard, true);
  }
  await fetchFile(TOKENIZER_FILE, requireTokenizer);
  for (const file of OPTIONAL_FILES) await fetchFile(file, false);
  return cache.snapshotDir(commit);
}

async function isLocalFolder(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isDirectory()) throw new TlError('CHECKPOINT', `${path}: is a file; expected a checkpoint folder or a Hub model id`);
    return true;
  } catch (e) {
    if (e instanceof TlError) throw e;
    return false;
  }
}

function looksLikePath(value: string): boolean {
  return /^(\.|~|\/)|\\|^[a-zA-Z]:/.test(value) || value.split('/').length > 2;
}

/** Hub naming rules: `[org/]name`, word characters, '.', '-', no '--' or '..', no leading/trailing '.' or '-'. */
function isRepoId(value: string): boolean {
  const parts = value.split('/');
  return (
    parts.length <= 2 &&
    parts.every((p) => /^[\w.-]{1,96}$/.test(p) && !/^[.-]|[.-]$/.test(p)) &&
    !value.includes('--') &&
    !value.includes('..')
  );
}

async function shardsOf(indexPath: string): Promise<string[]> {
  return [...new Set(parseWeightMap(await readFile(indexPath, 'utf8'), indexPath).values())].sort();
}

async function refuseRepoWithoutSafetensors(
  settings: HubSettings,
  repoId: string,
  commit: string,
  label: string,
): Promise<never> {
  for (const file of PICKLE_WEIGHT_FILES) {
    const probe = await fetchFileMetadata(settings, repoId, commit, file);
    if (probe.kind === 'found') {
      throw new TlError(
        'CHECKPOINT',
        `${label}: the repository has only ${file}, and tl reads weights from safetensors only (pickles can run ` +
          `arbitrary code when loaded). Look for a safetensors revision (often "refs/pr/N" from the Hub's ` +
          `conversion bot), or convert: load it in Python and call save_pretrained(dir, safe_serialization=True)`,
      );
    }
  }
  throw new TlError('HUB', `${label}: the repository has no ${SAFE_WEIGHTS_FILE} or ${SAFE_WEIGHTS_INDEX_FILE}`);
}

/** The snapshot folder for `revision` when the cache holds a complete checkpoint there; else a HUB error. */
async function resolveFromCache(
  cache: RepoCache,
  revision: string,
  requireTokenizer: boolean,
  why: string,
): Promise<string> {
  const label = `${cache.repoId}@${revision}`;
  const commit = await cache.commitFor(revision);
  if (commit === undefined) {
    throw new TlError('HUB', `${why}: ${label} is not in the cache ${cache.root}; download it once online first`);
  }
  const need = async (file: string): Promise<void> => {
    if (!(await cache.hasSnapshotFile(commit, file))) {
      throw new TlError('HUB', `${why}: ${label}: ${file} is not in the cache ${cache.snapshotDir(commit)}`);
    }
  };
  await need(CONFIG_FILE);
  if (!(await cache.hasSnapshotFile(commit, SAFE_WEIGHTS_FILE))) {
    if (!(await cache.hasSnapshotFile(commit, SAFE_WEIGHTS_INDEX_FILE))) await need(SAFE_WEIGHTS_FILE);
    for (const shard of await shardsOf(cache.snapshotPath(commit, SAFE_WEIGHTS_INDEX_FILE))) await need(shard);
  }
  if (requireTokenizer) await need(TOKENIZER_FILE);
  return cache.snapshotDir(commit);
}
