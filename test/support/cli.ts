import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { FIXTURE_PAIRS, FIXTURE_TEXTS, fixtureDir, type FixtureName } from './fixtures.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TL_BIN = join(REPO_ROOT, 'packages', 'cli', 'dist', 'bin.js');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function tempDir(prefix = 'tl-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A writable copy of a fixture folder, for tests that damage it. */
export function copyFixture(name: FixtureName): string {
  const dir = join(tempDir(), name);
  cpSync(fixtureDir(name), dir, { recursive: true });
  return dir;
}

/** The fixture texts as `tl predict` input; pairs for BERT as its reference was made. */
export function fixtureInputFile(withPairs: boolean): string {
  const lines = FIXTURE_TEXTS.map((text, i) => JSON.stringify(withPairs ? { text, text_pair: FIXTURE_PAIRS[i] } : { text }));
  const path = join(tempDir(), 'inputs.jsonl');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/**
 * Runs the built `tl` binary as a user would (a separate process, its own exit code). Asynchronous:
 * a blocked test worker cannot answer vitest's RPC (nor serve HTTP to the CLI).
 */
export function runTl(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TL_BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Every bad input ends in exactly one `tl: error:` line naming the problem, exit 1, and no stack. */
export async function expectOneLineError(args: readonly string[], pattern: RegExp, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const r = await runTl(args, env);
  expect(r.status, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tl: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}
