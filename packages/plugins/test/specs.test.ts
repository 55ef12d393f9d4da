import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStrategies, formatStrategySpec, listStrategies, loadPluginModule, parseStrategySpec, StrategyOptions, Trainer } from '@tl/core';
import { AuxiliaryData, BUILTIN_STRATEGIES, Eda, ReinitTopLayers, ShareWeights, FeatureExtraction, Freeze, GradualUnfreezing, LayerwiseLrDecay, Lora } from '@tl/plugins';
import { tinyClassifier, TRAIN, useCpu } from './support/tiny.js';

beforeAll(useCpu);

describe('parseStrategySpec', () => {
  it('reads name:key=value,... with bare flags and quoted values', () => {
    expect(parseStrategySpec('layerwise:llrd=0.9')).toEqual({ name: 'layerwise', options: { llrd: '0.9' } });
    expect(parseStrategySpec('feature-extraction')).toEqual({ name: 'feature-extraction', options: {} });
    expect(parseStrategySpec(' eda:n=4,sr=0.2,original ')).toEqual({ name: 'eda', options: { n: '4', sr: '0.2', original: 'true' } });
    expect(parseStrategySpec('auxiliary:file="a,b=c:d.jsonl",ratio=1')).toEqual({ name: 'auxiliary', options: { file: 'a,b=c:d.jsonl', ratio: '1' } });
    const spec = { name: 'auxiliary', options: { file: 'a,b.jsonl', ratio: '1' } };
    expect(parseStrategySpec(formatStrategySpec(spec))).toEqual(spec);
  });

  it('refuses malformed specs with the spec named', () => {
    expect(() => parseStrategySpec('')).toThrow(/strategy spec "": "" is not a strategy name/);
    expect(() => parseStrategySpec('9lives')).toThrow(/not a strategy name/);
    expect(() => parseStrategySpec('eda:n=4,,sr=1')).toThrow(/empty option/);
    expect(() => parseStrategySpec('eda:n=4,n=5')).toThrow(/option "n" is given twice/);
    expect(() => parseStrategySpec('eda:n=')).toThrow(/option "n" has no value/);
    expect(() => parseStrategySpec('eda:=3')).toThrow(/"=3" is not key=value/);
    expect(() => parseStrategySpec('aux:file="x')).toThrow(/unterminated double quote/);
  });
});

describe('StrategyOptions', () => {
  it('types values and names the strategy, the option and the value in errors', () => {
    const o = new StrategyOptions('x', { a: '3', b: 'yes', c: 'q+k', d: 'gradual' });
    expect(o.int('a', 0)).toBe(3);
    expect(o.boolean('b', false)).toBe(true);
    expect(o.list('c', [])).toEqual(['q', 'k']);
    expect(o.choice('d', ['gradual', 'none'], 'none')).toBe('gradual');
    expect(o.number('missing', 7)).toBe(7);
    o.done();
    expect(() => new StrategyOptions('x', { a: '1.5' }).int('a', 0)).toThrow('strategy "x": option "a": expected an integer, got "1.5"');
    expect(() => new StrategyOptions('x', { a: 'nan' }).number('a', 0, { min: 0 })).toThrow('expected a number >= 0, got "nan"');
    expect(() => new StrategyOptions('x', { a: 'maybe' }).boolean('a', true)).toThrow('expected true or false');
    const unknown = new StrategyOptions('x', { a: '1', zz: '2' });
    unknown.int('a', 0);
    expect(() => unknown.done()).toThrow('strategy "x": unknown option "zz" (options: a)');
  });
});

describe('createStrategies (the CLI path)', () => {
  it('finds every built-in strategy by name once @tl/plugins is imported', () => {
    for (const { name } of BUILTIN_STRATEGIES) expect(listStrategies()).toContain(name);
    const made = createStrategies(['layerwise:llrd=0.9', 'eda:n=2', 'freeze:layers=1', 'lora:r=4,alpha=8']);
    expect(made.map((s) => s.name)).toEqual(['layerwise', 'eda', 'freeze', 'lora']);
    expect(made[1]).toBeInstanceOf(Eda);
    expect(made[3]).toBeInstanceOf(Lora);
    expect(() => createStrategies(['nope'])).toThrow(/unknown strategy "nope"; registered: .*llrd/);
    expect(() => createStrategies(['llrd:decay=0.9,deacy=1'])).toThrow(/unknown option "deacy"/);
  });

  it('refuses conflicting combinations at setup, before any step runs', async () => {
    expect(() => createStrategies(['freeze', 'gradual-unfreeze'])).toThrow(/"freeze" and "gradual-unfreeze" cannot be combined/);
    expect(() => createStrategies(['lora', 'feature-extraction'])).toThrow(/cannot be combined/);
    expect(() => createStrategies(['layerwise:unfreeze=chain-thaw', 'lora'])).toThrow(/cannot be combined/);
    expect(() => createStrategies(['layerwise:llrd=0.8', 'llrd'])).toThrow(/cannot be combined/);
    expect(() => createStrategies(['llrd', 'llrd:decay=0.5'])).toThrow(/given twice/);
    // The same check guards Trainer.fit for strategies made in code.
    const { model, collator } = await tinyClassifier();
    let steps = 0;
    const trainer = new Trainer({ model, collator, strategies: [new FeatureExtraction(), new Freeze()], args: { maxSteps: 2, outputDir: '/tmp/tl-conflict' } });
    trainer.events.on('stepStart', () => void steps++);
    await expect(trainer.fit(TRAIN)).rejects.toMatchObject({ code: 'STRATEGY', message: expect.stringMatching(/cannot be combined/) });
    expect(steps).toBe(0);
    model.dispose();
  });

  it('orders a composition by phase, then as declared', async () => {
    const { model, collator } = await tinyClassifier();
    const order: string[] = [];
    const trace = <T extends object>(s: T & { name: string }) =>
      new Proxy(s, {
        get(target, key, receiver) {
          const v = Reflect.get(target, key, receiver);
          if (typeof v !== 'function' || !['prepareModel', 'transformDataset', 'parameterGroups'].includes(String(key))) return v;
          return (...args: unknown[]) => {
            order.push(`${String(key)}:${target.name}`);
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    const strategies = [
      trace(new GradualUnfreezing()),
      trace(new LayerwiseLrDecay()),
      trace(new AuxiliaryData({ examples: TRAIN, ratio: 0.5 })),
      trace(new ReinitTopLayers({ layers: 1 })),
      trace(new ShareWeights({ source: (await tinyClassifier()).model, select: ['embeddings'] })),
    ];
    await new Trainer({ model, collator, strategies, args: { maxSteps: 1, outputDir: '/tmp/tl-order' } }).fit(TRAIN);
    expect(order).toEqual([
      'prepareModel:reinit',
      'prepareModel:share',
      'transformDataset:auxiliary',
      'parameterGroups:llrd',
      'parameterGroups:gradual-unfreeze',
    ]);
    model.dispose();
  }, 60_000);
});

describe('loadPluginModule', () => {
  it('registers the factories a module exports, and explains a module that has none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tl-plugin-'));
    try {
      const good = join(dir, 'exports.mjs');
      await writeFile(good, "export const strategies = [{ name: 'noop-from-file', create: () => ({ name: 'noop-from-file', phase: 'data' }) }];\n");
      expect(await loadPluginModule(good)).toEqual(['noop-from-file']);
      expect(createStrategies(['noop-from-file'])[0]!.phase).toBe('data');
      const empty = join(dir, 'empty.mjs');
      await writeFile(empty, 'export const nothing = 1;\n');
      await expect(loadPluginModule(empty)).rejects.toThrow(/registers no new strategy/);
      const bad = join(dir, 'bad.mjs');
      await writeFile(bad, 'export default { name: 3 };\n');
      await expect(loadPluginModule(bad)).rejects.toThrow(/exported strategy #1 is not \{ name: string, create\(options\) \}/);
      await expect(loadPluginModule(join(dir, 'missing.js'))).rejects.toThrow(/not found \(ENOENT\)/);
      const broken = join(dir, 'broken.mjs');
      await writeFile(broken, 'export const = ;\n');
      await expect(loadPluginModule(broken)).rejects.toThrow(/import failed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
