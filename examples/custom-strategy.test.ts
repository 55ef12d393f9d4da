import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, createStrategies, listStrategies, loadModel, loadPluginModule, TextTokenizer, tokenizerCollator, Trainer, Callback, type StepContext } from '@tl/core';
import type { FreezeQuietLayers } from './custom-strategy.js';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/hf-tiny/bert-cls', import.meta.url));
const PLUGIN = fileURLToPath(new URL('./custom-strategy.ts', import.meta.url));
const TRAIN = ['permission is hereby granted', 'the software is provided as is', 'copyright holders shall not be liable', 'you may copy verbatim copies', 'the quick brown fox', 'licensor grants you a license'].map(
  (text, i) => ({ text, label: i % 3 }),
);

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
});

async function tiny() {
  const { model } = await loadModel(FIXTURE, { dropout: 0 });
  return { model, collator: tokenizerCollator(await TextTokenizer.fromFolder(FIXTURE), { maxLength: 16 }) };
}

describe('examples/custom-strategy.ts', () => {
  it('registers by name from a plugin module path, as `--plugin PATH --strategy NAME:...` does', async () => {
    const added = await loadPluginModule(PLUGIN);
    expect(listStrategies()).toContain('freeze-quiet-layers');
    expect(added).toEqual(['freeze-quiet-layers']);
    expect(await loadPluginModule(PLUGIN)).toEqual(['freeze-quiet-layers']);
    expect(() => createStrategies(['freeze-quiet-layers:threshold=1,patiense=2'])).toThrow(/unknown option "patiense"/);
  });

  it('freezes the layers whose gradient norm stays below the threshold, and only those', async () => {
    await loadPluginModule(PLUGIN);
    const { model, collator } = await tiny();
    // Threshold: an encoder layer's norm here is ~0.1-1; with 1e9 every layer is "quiet" after 2 steps.
    const [strategy] = createStrategies(['freeze-quiet-layers:threshold=1e9,patience=2']) as [FreezeQuietLayers];
    const trainableByStep: string[][] = [];
    const encoderAfter: Float32Array[] = [];
    const probe = 'bert.encoder.layer.1.output.dense.weight';
    class Record extends Callback {
      readonly name = 'record';
      override onStepEnd(ctx: StepContext): void {
        trainableByStep.push(ctx.trainer.parameterGroups.filter((g) => g.trainable).map((g) => g.name.split('/')[1]!));
        encoderAfter.push((model.parameters.get(probe).dataSync() as Float32Array).slice());
      }
    }
    const trainer = new Trainer({ model, collator, strategies: [strategy], callbacks: [new Record()], args: { maxSteps: 4, batchSize: 3, learningRate: 1e-2, outputDir: '/tmp/tl-custom' } });
    await trainer.fit(TRAIN);
    expect([...strategy.frozenAt.keys()].sort()).toEqual(['embeddings', 'layer.0', 'layer.1']);
    // Quiet after the backward passes of steps 1 and 2: step 2's update already leaves them out.
    expect([...strategy.frozenAt.values()]).toEqual([2, 2, 2]);
    expect(new Set(trainableByStep[0])).toEqual(new Set(['embeddings', 'layer.0', 'layer.1', 'head']));
    expect(trainableByStep.slice(1).map((t) => [...new Set(t)])).toEqual([['head'], ['head'], ['head']]);
    expect(encoderAfter.slice(1).every((w) => w.every((v, i) => Object.is(v, encoderAfter[0]![i])))).toBe(true);

    // With threshold 0 nothing is ever quiet.
    const [none] = createStrategies(['freeze-quiet-layers:threshold=0,patience=1']) as [FreezeQuietLayers];
    await new Trainer({ model, collator, strategies: [none], args: { maxSteps: 2, batchSize: 3, outputDir: '/tmp/tl-custom' } }).fit(TRAIN);
    expect(none.frozenAt.size).toBe(0);
    model.dispose();
  });
});
