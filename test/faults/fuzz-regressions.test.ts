import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, fixtureInputFile, runTl, tempDir } from '../support/cli.js';

/** Cases scripts/faults/fuzz-cli.mjs found, as a user meets them: a real process, its exit code and stderr. */
describe('inputs the CLI fuzzer found', () => {
  it('a tokenizer.json whose syntax error V8 quotes across a newline is still one error line', async () => {
    const dir = copyFixture('bert-cls');
    const text = readFileSync(join(dir, 'tokenizer.json'), 'utf8');
    // A stray byte right before a line break: V8's message quotes the text around it, newline and all.
    writeFileSync(join(dir, 'tokenizer.json'), text.replace('"version": "1.0",\n', '"version": "1.0",\u00ff\n'));
    const r = await runTl(['predict', '--model', dir, '--input', fixtureInputFile(false), '--backend', 'cpu']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n'), r.stderr).toEqual([`tl: error: ${join(dir, 'tokenizer.json')}: invalid JSON at line 2, column 20 (position 21): invalid symbol`]);
  });

  it('tl predict --output into a folder that does not exist yet writes the predictions there', async () => {
    const output = join(tempDir(), 'not', 'yet', 'predictions.jsonl');
    const r = await runTl(['predict', '--model', copyFixture('bert-cls'), '--input', fixtureInputFile(false), '--output', output, '--backend', 'cpu']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(output)).toBe(true);
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(Object.keys(JSON.parse(line) as object)).toEqual(['label', 'score', 'logits']);
  });
});
