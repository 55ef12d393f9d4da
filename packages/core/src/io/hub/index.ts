export { resolvePretrained, type ResolvePretrainedOptions } from './resolve-pretrained.js';
export { resolveHubSettings, type HubOptions, type HubSettings } from './hub-settings.js';
export { RepoCache, isCommitHash } from './repo-cache.js';
