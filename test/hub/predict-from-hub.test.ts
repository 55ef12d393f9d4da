import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubTestServer } from '../../packages/core/test/io/hub-test-server.js';
import { fixtureDir, flat, maxAbsDiff, reference } from '../support/fixtures.js';
import { fixtureInputFile, runTl, tempDir } from '../support/cli.js';

let server: HubTestServer;
beforeAll(async () => {
  server = await HubTestServer.start({ 'tl-test/bert-cls': fixtureDir('bert-cls') });
});
afterAll(async () => {
  await server.close();
});

/** `tl predict --model org/name` as a user runs it: download into HF_HOME, then offline from the cache. */
describe('tl predict with a hub id', () => {
  it('downloads into the HF cache, predicts, and works offline afterwards', async () => {
    const home = tempDir('tl-hf-home-');
    const input = fixtureInputFile(true);
    const env = { HF_ENDPOINT: server.endpoint, HF_HOME: home, HF_HUB_OFFLINE: '0' };
    const online = await runTl(['predict', '--model', 'tl-test/bert-cls', '--input', input, '--max-length', '56'], env);
    expect(online.stderr).toBe('');
    const logits = online.stdout.trim().split('\n').flatMap((l) => (JSON.parse(l) as { logits: number[] }).logits);
    expect(maxAbsDiff(logits, flat(reference('bert-cls').logits!.data))).toBeLessThanOrEqual(1e-5);
    const gets = server.requests.filter((r) => r.method === 'GET').length;
    expect(gets).toBeGreaterThanOrEqual(3);

    const offline = await runTl(['predict', '--model', 'tl-test/bert-cls', '--input', input, '--max-length', '56'], { ...env, HF_HUB_OFFLINE: '1' });
    expect(offline.stderr).toBe('');
    expect(offline.stdout).toBe(online.stdout);
    expect(server.requests.filter((r) => r.method === 'GET').length).toBe(gets);

    const missing = await runTl(['predict', '--model', 'tl-test/not-cached', '--input', input], { ...env, HF_HUB_OFFLINE: '1' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^tl: error: no folder "tl-test\/not-cached" exists in .+; as a Hub model id: offline.*tl-test\/not-cached.*not in the cache/i);
  });
});
