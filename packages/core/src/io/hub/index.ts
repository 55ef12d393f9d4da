/**
 * tl's Hugging Face Hub client: resolves a model id to a folder in the Python-compatible cache
 * (`$HF_HUB_CACHE/models--org--name/{blobs,snapshots,refs}`).
 *
 * Why not `@huggingface/hub` (the official JS client, read at 2.17.5): its `downloadFileToCacheDir`
 * writes the same layout but keeps none of what this module promises —
 * - no offline mode: it asks the paths-info API for every file whose revision is not a commit hash,
 *   and reads neither HF_HUB_OFFLINE nor a cached refs/<revision> (it does not write refs/ either,
 *   so a later offline run, ours or Python's, cannot resolve `main` from its cache);
 * - no resume: the `.incomplete` file is rewritten from byte 0 by a fresh GET every time;
 * - no integrity check: nothing compares the bytes with the LFS sha256 or the announced size;
 * - no sharing: two concurrent downloads of one blob both stream into the same `.incomplete` file
 *   (no lock), which corrupts it;
 * - HF_ENDPOINT is not read (only a `hubUrl` argument), and it needs the `/api/.../paths-info` POST
 *   endpoint where huggingface_hub (and this module) need only HEAD/GET on `/resolve/`.
 * So this stays hand-written, around the same HEAD → refs → blobs → snapshots flow as Python's
 * hf_hub_download; test/hub runs it against a local server.
 */
export { resolvePretrained, type ResolvePretrainedOptions } from './resolve-pretrained.js';
export { resolveHubSettings, type HubOptions, type HubSettings } from './hub-settings.js';
export { RepoCache, isCommitHash } from './repo-cache.js';
