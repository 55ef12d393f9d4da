import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DEMO = join(REPO, 'packages', 'cli', 'dist', 'demo', 'main.js');
const ARTIFACTS = join(REPO, 'test', 'artifacts');

/**
 * `pnpm demo --quick` end to end (same pipeline, small sizes: shipped checkpoint → tasks as JSONL →
 * tl transfer → tl score → report), then the report in headless Debian chromium: the screenshot
 * (kept in test/artifacts/demo-report.png) must show the charts, i.e. each SVG laid out with a size.
 */
describe('pnpm demo --quick', () => {
  let stdout = '';
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'tl-demo-'));
    const r = spawnSync(process.execPath, [DEMO, '--quick', '--out', out], { encoding: 'utf8', timeout: 420_000 });
    expect(r.status, r.stderr).toBe(0);
    stdout = r.stdout;
  }, 440_000);

  it('prints the report path as its last line, with the Markdown summary and the charts beside it', () => {
    const last = stdout.trim().split('\n').at(-1)!;
    expect(last).toBe(join(out, 'report', 'report.html'));
    const md = readFileSync(join(out, 'report', 'report.md'), 'utf8');
    expect(md).toMatch(/\| intermediate \| 1 \| 200 \| \d+\.\d ± \d+\.\d \| 2 \|/);
    expect(md).toContain('Kendall τ');
    for (const svg of ['learning-curves.svg', 'loss-curves.svg', 'transfer-scores.svg']) expect(existsSync(join(out, 'report', svg))).toBe(true);
    const results = JSON.parse(readFileSync(join(out, 'transfer', 'results.json'), 'utf8')) as { runs: unknown[] };
    expect(results.runs).toHaveLength(3 * 2 * 2);
  });

  describe('in headless chromium', () => {
    let browser: BrowserContext;
    beforeAll(async () => {
      // A fresh profile each run (playwright takes it as the persistent context's folder, not a flag).
      browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'tl-chromium-')), {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
        viewport: { width: 1100, height: 900 },
      });
    });
    afterAll(async () => browser?.close());

    it('renders every chart as an SVG with a non-zero size, with marks drawn, and a screenshot of it', async () => {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(out, 'report', 'report.html')).href);
      const charts = await page.$$eval('figure > svg', (svgs) =>
        svgs.map((s) => {
          const box = s.getBoundingClientRect();
          return { id: s.parentElement!.id, width: box.width, height: box.height, marks: s.querySelectorAll('path, rect, line').length };
        }),
      );
      expect(charts.map((c) => c.id)).toEqual(['learning-curves', 'loss-curves', 'transfer-scores']);
      for (const c of charts) {
        expect(c.width, c.id).toBeGreaterThan(100);
        expect(c.height, c.id).toBeGreaterThan(100);
        expect(c.marks, c.id).toBeGreaterThan(5);
      }
      expect(await page.locator('table').count()).toBe(2);
      mkdirSync(ARTIFACTS, { recursive: true });
      const png = await page.screenshot({ path: join(ARTIFACTS, 'demo-report.png'), fullPage: true });
      expect(png.length).toBeGreaterThan(20_000);
      await page.close();
    });
  });
});
