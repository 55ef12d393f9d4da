import { copyFile, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';

/** A 40-hex-digit git commit hash. */
export function isCommitHash(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

/**
 * One model repository in the huggingface_hub cache layout, shared with Python tools:
 *
 *     models--org--name/
 *       blobs/<etag>                      file contents, named by git sha1 or LFS sha256
 *       blobs/<etag>.incomplete           a download in progress (resumable)
 *       blobs/<etag>.lock                 held by the one process downloading that blob
 *       refs/<revision>                   the commit hash a branch or tag pointed to when last seen
 *       snapshots/<commit>/<file>         relative symlink to ../../blobs/<etag> (a copy where links fail)
 *       .no_exist/<commit>/<file>         empty marker: the file is known to be absent at that commit
 */
export class RepoCache {
  readonly root: string;

  constructor(cacheDir: string, readonly repoId: string) {
    this.root = join(cacheDir, `models--${repoId.split('/').join('--')}`);
  }

  blobPath(etag: string): string {
    return join(this.root, 'blobs', etag);
  }

  incompletePath(etag: string): string {
    return `${this.blobPath(etag)}.incomplete`;
  }

  snapshotDir(commit: string): string {
    return join(this.root, 'snapshots', commit);
  }

  snapshotPath(commit: string, file: string): string {
    return join(this.snapshotDir(commit), file);
  }

  private refPath(revision: string): string {
    return join(this.root, 'refs', revision);
  }

  private noExistPath(commit: string, file: string): string {
    return join(this.root, '.no_exist', commit, file);
  }

  /** The commit a revision resolves to from the cache alone: itself if a hash, else refs/<revision>. */
  async commitFor(revision: string): Promise<string | undefined> {
    if (isCommitHash(revision)) return revision;
    try {
      const commit = (await readFile(this.refPath(revision), 'utf8')).trim();
      return isCommitHash(commit) ? commit : undefined;
    } catch {
      return undefined;
    }
  }

  async writeRef(revision: string, commit: string): Promise<void> {
    if (revision === commit) return;
    const path = this.refPath(revision);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, commit);
  }

  async hasSnapshotFile(commit: string, file: string): Promise<boolean> {
    return exists(this.snapshotPath(commit, file));
  }

  async hasBlob(etag: string): Promise<boolean> {
    return exists(this.blobPath(etag));
  }

  async ensureBlobDir(): Promise<void> {
    await mkdir(join(this.root, 'blobs'), { recursive: true });
  }

  /** Points snapshots/<commit>/<file> at the blob (relative symlink so the cache can be moved). */
  async linkSnapshot(commit: string, file: string, etag: string): Promise<void> {
    const pointer = this.snapshotPath(commit, file);
    const blob = this.blobPath(etag);
    await mkdir(dirname(pointer), { recursive: true });
    await rm(pointer, { force: true });
    try {
      await symlink(relative(dirname(pointer), blob), pointer);
    } catch {
      await copyFile(blob, pointer); // e.g. Windows without the symlink privilege, as huggingface_hub falls back
    }
  }

  async markMissing(commit: string, file: string): Promise<void> {
    const marker = this.noExistPath(commit, file);
    await mkdir(dirname(marker), { recursive: true });
    await writeFile(marker, '');
  }

  async isMarkedMissing(commit: string, file: string): Promise<boolean> {
    return exists(this.noExistPath(commit, file));
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path); // follows the symlink: a dangling pointer does not count
    return true;
  } catch {
    return false;
  }
}
