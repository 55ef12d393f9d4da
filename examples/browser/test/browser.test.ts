import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM build script without types
import { buildPage, distDir, fixtureDir } from '../build.mjs';
// @ts-expect-error plain ESM server without types
import { serve } from '../serve.mjs';

/**
 * Drives the page (core's browser entry: fromUrl + Trainer) in Debian's headless Chromium
 * (installed by packages/backend-webgpu/scripts/install-deps.sh): once as the browser comes
 * (SwiftShader WebGPU adapter) and once with navigator.gpu removed (wasm fallback). Screenshots go
 * to test/artifacts/.
 */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
// SwiftShader compiles every WGSL shader on the CPU: the first Trainer step takes most of a minute.
const PAGE_TIMEOUT_MS = 240_000;
const TEST_TIMEOUT_MS = PAGE_TIMEOUT_MS + 30_000;
const artifacts = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');

interface PageResult {
  backend: string;
  reason: string;
  referenceLoss: number;
  hfLosses: number[];
  losses: number[];
  learningRates: number[];
  gradNorms: number[];
  msPerStep: number[];
  tokenizationMatchesHf: boolean;
  error?: string;
}

/** What a run measured, for the log (the README quotes these). */
function summary(name: string, r: PageResult): string {
  const fmt = (xs: number[], d: number) => xs.map((x) => x.toFixed(d)).join(' ');
  const maxDiff = Math.max(...r.losses.map((l, i) => Math.abs(l - r.hfLosses[i]!)));
  return (
    `${name}: ${r.reason}\n  losses ${fmt(r.losses, 5)}\n  HF     ${fmt(r.hfLosses, 5)}\n` +
    `  max |loss - HF| ${maxDiff.toExponential(1)}; ms/step ${fmt(r.msPerStep, 0)}`
  );
}

describe('browser example (headless Chromium)', () => {
  let server: Server;
  let base: string;
  let profile: string;
  let context: BrowserContext;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: run packages/backend-webgpu/scripts/install-deps.sh`);
    await buildPage();
    server = await serve({ port: 0, routes: { '/model/': fixtureDir, '/': distDir } });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    profile = await mkdtemp(join(tmpdir(), 'tl-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
    await mkdir(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    await new Promise((r) => server?.close(r));
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  async function run(name: string, disableWebGpu: boolean): Promise<PageResult> {
    const page = await context.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    if (disableWebGpu) await page.addInitScript(() => delete (Navigator.prototype as { gpu?: unknown }).gpu);
    // An error while the bundle loads means window.__tl never appears: fail on it at once.
    const crashed = new Promise<never>((_, reject) => page.on('pageerror', (e) => reject(new Error(`page error: ${e.message}`))));
    crashed.catch(() => undefined); // only read through the race below
    await page.goto(base);
    await Promise.race([crashed, page.waitForFunction(() => (window as { __tl?: unknown }).__tl !== undefined, undefined, { timeout: PAGE_TIMEOUT_MS })]).catch(
      (e: Error) => {
        throw new Error(`page did not finish (${e.message}); console:\n${logs.join('\n')}`);
      },
    );
    const result = (await page.evaluate(() => (window as unknown as { __tl: unknown }).__tl)) as PageResult;
    await page.screenshot({ path: join(artifacts, `browser-${name}.png`), fullPage: true });
    await page.close();
    expect(result.error, logs.join('\n')).toBeUndefined();
    console.log(summary(name, result));
    return result;
  }

  /**
   * The page ran core's Trainer with trajectory.json's settings (AdamW lr 5e-3, weight decay 0.01,
   * linear warmup 2 of 6 steps, clipping at 1.0, no dropout) on the fixture's three pairs, which its
   * tokenizer must encode as HF's did. Step 1 (lr 0) is the checkpoint's own loss; every step must
   * match torch's within 1e-4, and the loss falls from 1.13 to 0.16.
   */
  function expectTrained(r: PageResult): void {
    expect(r.tokenizationMatchesHf).toBe(true);
    expect(r.losses).toHaveLength(6);
    expect(r.hfLosses).toHaveLength(6);
    expect(Math.abs(r.losses[0]! - r.referenceLoss)).toBeLessThanOrEqual(1e-4);
    r.losses.forEach((loss, i) => expect(Math.abs(loss - r.hfLosses[i]!), `step ${i + 1}`).toBeLessThanOrEqual(1e-4));
    expect(r.learningRates).toEqual([0, 0.0025, 0.005, 0.00375, 0.0025, 0.00125].map((lr) => expect.closeTo(lr, 12)));
    expect(r.losses[5]!).toBeLessThan(r.losses[0]! - 0.5);
  }

  it('fine-tunes on WebGPU when the browser offers it', { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await run('webgpu', false);
    expect(r.backend).toBe('webgpu');
    expect(r.reason).toMatch(/^WebGPU /);
    expectTrained(r);
  });

  it('falls back to wasm without navigator.gpu, and says so', { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await run('wasm', true);
    expect(r.backend).toBe('wasm');
    expect(r.reason).toMatch(/no navigator\.gpu/);
    expectTrained(r);
  });
});
