import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../support/cli.js';
import { fixtureDir, flat, maxAbsDiff, reference } from '../support/fixtures.js';

const QUICKSTART = `
import { createEngine, fromPretrained, predict } from '@tl/core';
import * as tf from '@tensorflow/tfjs-core';
await createEngine();
const { model, tokenizer } = await fromPretrained(process.argv[2]);
const inputs = JSON.parse(process.argv[3]);
const out = await predict(model, tokenizer, inputs, { maxLength: 56 });
console.log(JSON.stringify({ backend: tf.getBackend(), logits: out.map((p) => p.logits) }));
`;

/**
 * The packages as a user gets them: `pnpm pack` tarballs installed with plain npm into a project
 * outside the workspace, then the README quickstart and the `tl` binary run from there.
 */
describe('published packages', () => {
  it('install from their tarballs with npm and run the quickstart and tl predict', () => {
    const work = tempDir('tl-pack-');
    // @tl/cli depends on these (the demo uses the datasets and strategies), so they ship together;
    // @tl/core depends on @tl/models (the shipped encoder, resolved by id).
    const packages = ['models', 'core', 'plugins', 'datasets', 'cli'];
    for (const pkg of packages) {
      execFileSync('pnpm', ['pack', '--out', join(work, `tl-${pkg}.tgz`)], { cwd: join(REPO_ROOT, 'packages', pkg), stdio: 'pipe' });
    }
    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'quickstart-app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', ...packages.map((p) => `../tl-${p}.tgz`)], { cwd: app, stdio: 'pipe' });
    writeFileSync(join(app, 'quickstart.mjs'), QUICKSTART);

    const texts = [
      'The quick brown fox jumps over the lazy dog.',
      'Permission is hereby granted, free of charge, to any person obtaining a copy!',
      'Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>',
    ];
    const pairs = ['A second segment.', 'Licensor grants You a license.', 'Naïve café — déjà vu?'];
    const inputs = texts.map((text, i) => ({ text, textPair: pairs[i] }));
    const out = execFileSync('node', ['quickstart.mjs', fixtureDir('bert-cls'), JSON.stringify(inputs)], { cwd: app, encoding: 'utf8' });
    const result = JSON.parse(out) as { backend: string; logits: number[][] };
    expect(result.backend).toBe('wasm');
    expect(maxAbsDiff(result.logits.flat(), flat(reference('bert-cls').logits!.data))).toBeLessThanOrEqual(1e-5);

    const jsonl = join(app, 'inputs.jsonl');
    writeFileSync(jsonl, inputs.map((i) => JSON.stringify({ text: i.text, text_pair: i.textPair })).join('\n'));
    const cli = execFileSync(join(app, 'node_modules', '.bin', 'tl'), ['predict', '--model', fixtureDir('bert-cls'), '--input', jsonl, '--max-length', '56'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(cli.trim().split('\n')).toHaveLength(3);

    // The shipped encoder came with the install: its id resolves inside node_modules, offline.
    const shipped = execFileSync('node', ['--input-type=module', '-e', "import { resolvePretrained } from '@tl/core'; console.log(await resolvePretrained('tl-bert-en-small'));"], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, HF_HUB_OFFLINE: '1' },
    });
    expect(shipped.trim()).toBe(join(app, 'node_modules', '@tl', 'models', 'weights', 'tl-bert-en-small'));
  }, 300_000);
});
