import { TlError } from '../../errors/tl-error.js';
import { withFileLock } from '../fs/file-lock.js';
import { downloadBlob } from './download-blob.js';
import { fetchFileMetadata } from './file-metadata.js';
import type { HubSettings } from './hub-settings.js';
import { isCommitHash, type RepoCache } from './repo-cache.js';

/** Where one requested file ended up. `path` is absent when the file does not exist in the repo. */
export interface DownloadedFile {
  readonly commit: string;
  readonly path?: string;
}

/**
 * Makes one file of a repo revision available in the cache, as huggingface_hub's hf_hub_download:
 * a commit-hash revision already in the snapshot (or known absent) needs no request; otherwise a
 * HEAD gives commit and etag, refs/<revision> is updated, and the content is fetched only when
 * blobs/<etag> is not already there. Returns undefined-path for a file the repo lacks; throws a HUB
 * error when the Hub cannot be reached (the caller decides whether the cache can stand in).
 */
export async function hubDownload(
  settings: HubSettings,
  cache: RepoCache,
  revision: string,
  file: string,
): Promise<DownloadedFile | { readonly unreachable: string }> {
  if (isCommitHash(revision)) {
    if (await cache.hasSnapshotFile(revision, file)) return { commit: revision, path: cache.snapshotPath(revision, file) };
    if (await cache.isMarkedMissing(revision, file)) return { commit: revision };
  }

  const result = await fetchFileMetadata(settings, cache.repoId, revision, file);
  if (result.kind === 'unreachable') return { unreachable: result.reason };
  if (result.kind === 'missing') {
    const commit = await cache.commitFor(revision);
    if (commit !== undefined) await cache.markMissing(commit, file);
    return { commit: commit ?? revision };
  }

  const { metadata } = result;
  if (!isCommitHash(metadata.commit)) {
    throw new TlError('HUB', `${cache.repoId}@${revision}: ${file}: X-Repo-Commit ${JSON.stringify(metadata.commit)} is not a commit hash`);
  }
  await cache.writeRef(revision, metadata.commit);
  const path = cache.snapshotPath(metadata.commit, file);
  if (await cache.hasSnapshotFile(metadata.commit, file)) return { commit: metadata.commit, path };

  if (!(await cache.hasBlob(metadata.etag))) {
    await cache.ensureBlobDir();
    // One writer per blob across processes; whoever waited finds the blob complete afterwards.
    await withFileLock(`${cache.blobPath(metadata.etag)}.lock`, async () => {
      if (await cache.hasBlob(metadata.etag)) return;
      await downloadBlob(settings, metadata, {
        blobPath: cache.blobPath(metadata.etag),
        incompletePath: cache.incompletePath(metadata.etag),
        label: `${cache.repoId}@${revision}: ${file}`,
      });
    });
  }
  await cache.linkSnapshot(metadata.commit, file, metadata.etag);
  return { commit: metadata.commit, path };
}
