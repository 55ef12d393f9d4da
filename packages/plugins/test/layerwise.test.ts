import { beforeAll, describe, expect, it } from 'vitest';
import { Callback, Trainer, type StepContext } from '@tl/core';
import { ChainThaw, createLayerwise, depthFromTop, Freeze, GradualUnfreezing, groupDepth, LayerwiseLrDecay } from '@tl/plugins';
import { bitwiseEqual, snapshot, tinyClassifier, TRAIN, useCpu } from './support/tiny.js';

beforeAll(useCpu);

/** Records, at every step end, each group's name, lr and trainable flag. */
class GroupRecorder extends Callback {
  readonly name = 'group-recorder';
  readonly steps: { step: number; epoch: number; groups: { name: string; lr: number; trainable: boolean; lrScale: number }[] }[] = [];
  readonly atEpochStart: { epoch: number; trainable: string[] }[] = [];
  override onEpochStart(ctx: Parameters<Callback['onEpochStart']>[0]): void {
    this.atEpochStart.push({ epoch: ctx.state.epoch, trainable: ctx.trainer.parameterGroups.filter((g) => g.trainable).map((g) => g.name) });
  }
  override onStepEnd(ctx: StepContext): void {
    this.steps.push({
      step: ctx.state.step,
      epoch: ctx.state.epoch,
      groups: ctx.trainer.parameterGroups.map((g, i) => ({ name: g.name, lr: ctx.learningRates![i]!, trainable: g.trainable, lrScale: g.lrScale })),
    });
  }
}

describe('Freeze', () => {
  it('leaves the embeddings and the first k layers bitwise unchanged while the rest trains', async () => {
    const { model, collator } = await tinyClassifier();
    const before = snapshot(model);
    const trainer = new Trainer({ model, collator, strategies: [new Freeze({ layers: 1 })], args: { numTrainEpochs: 2, batchSize: 4, learningRate: 1e-2, weightDecay: 0.1, outputDir: '/tmp/tl-freeze' } });
    await trainer.fit(TRAIN);
    const after = snapshot(model);
    let frozen = 0;
    let trained = 0;
    for (const [name, v] of before) {
      const d = model.depthOf(name);
      if (d === 'embeddings' || d === 0) {
        expect(bitwiseEqual(v, after.get(name)!), name).toBe(true);
        frozen++;
      } else {
        expect(bitwiseEqual(v, after.get(name)!), name).toBe(false);
        trained++;
      }
    }
    expect(frozen).toBeGreaterThan(10);
    expect(trained).toBeGreaterThan(10);
    model.dispose();
  });
});

describe('LayerwiseLrDecay', () => {
  it("gives every group lr = scheduled lr × decay^(depth from the top) at every step", async () => {
    const { model, collator } = await tinyClassifier();
    const recorder = new GroupRecorder();
    const decay = 0.8;
    const base = 1e-3;
    const trainer = new Trainer({
      model,
      collator,
      callbacks: [recorder],
      strategies: [new LayerwiseLrDecay({ decay })],
      args: { numTrainEpochs: 2, batchSize: 4, learningRate: base, warmupSteps: 2, lrSchedulerType: 'linear', outputDir: '/tmp/tl-llrd' },
    });
    await trainer.fit(TRAIN);
    const total = 6;
    expect(recorder.steps).toHaveLength(total);
    // HF linear schedule with warmup: step s (1-based) uses lr_init × lambda(s - 1).
    const scheduled = (s: number) => base * (s - 1 < 2 ? (s - 1) / 2 : Math.max(0, (total - (s - 1)) / (total - 2)));
    const depths = new Set<number>();
    for (const { step, groups } of recorder.steps) {
      for (const g of groups) {
        const group = trainer.parameterGroups.find((p) => p.name === g.name)!;
        const d = depthFromTop(groupDepth(group, model)!, model.numLayers);
        depths.add(d);
        expect(g.lr).toBeCloseTo(scheduled(step) * decay ** d, 12);
      }
    }
    expect([...depths].sort()).toEqual([0, 1, 2, 3]); // head, layer 1, layer 0, embeddings
    model.dispose();
  });
});

describe('GradualUnfreezing', () => {
  it('unfreezes one layer group per epoch from the top, and frozen groups do not move', async () => {
    const { model, collator } = await tinyClassifier();
    const recorder = new GroupRecorder();
    const snapshots: Map<string, Float32Array>[] = [];
    class EpochSnapshots extends Callback {
      readonly name = 'epoch-snapshots';
      override onEpochStart(): void {
        snapshots.push(snapshot(model));
      }
    }
    const trainer = new Trainer({
      model,
      collator,
      callbacks: [recorder, new EpochSnapshots()],
      strategies: [new GradualUnfreezing()],
      args: { numTrainEpochs: 4, batchSize: 6, learningRate: 1e-2, outputDir: '/tmp/tl-gu' },
    });
    await trainer.fit(TRAIN);
    snapshots.push(snapshot(model));
    const depthOfGroup = (name: string) => depthFromTop(groupDepth(trainer.parameterGroups.find((g) => g.name === name)!, model)!, model.numLayers);
    recorder.atEpochStart.forEach(({ epoch, trainable }) => {
      expect(new Set(trainable.map(depthOfGroup))).toEqual(new Set(Array.from({ length: epoch + 1 }, (_, d) => d)));
    });
    // During epoch e, parameters deeper than e from the top stay bitwise equal.
    for (let e = 0; e < 4; e++) {
      for (const [name, v] of snapshots[e]!) {
        const d = depthFromTop(model.depthOf(name), model.numLayers);
        const same = bitwiseEqual(v, snapshots[e + 1]!.get(name)!);
        expect(same, `${name} in epoch ${e}`).toBe(d > e);
      }
    }
    model.dispose();
  });
});

describe('ChainThaw', () => {
  it('trains the head, then each layer alone from the bottom, then everything', async () => {
    const { model, collator } = await tinyClassifier();
    const recorder = new GroupRecorder();
    const trainer = new Trainer({ model, collator, callbacks: [recorder], strategies: [new ChainThaw()], args: { numTrainEpochs: 6, batchSize: 12, learningRate: 1e-2, outputDir: '/tmp/tl-ct' } });
    await trainer.fit(TRAIN);
    const stageDepths = recorder.atEpochStart.map(({ trainable }) => [...new Set(trainable.map((n) => String(groupDepth(trainer.parameterGroups.find((g) => g.name === n)!, model))))].sort());
    expect(stageDepths).toEqual([['head'], ['embeddings'], ['0'], ['1'], ['0', '1', 'embeddings', 'head'], ['0', '1', 'embeddings', 'head']]);
    model.dispose();
  });
});

describe('layerwise (one name for the CLI)', () => {
  it('composes llrd and gradual unfreezing, and refuses incompatible parts', () => {
    const s = createLayerwise({ llrd: '0.9', unfreeze: 'gradual' });
    expect(s.name).toBe('layerwise');
    expect(s.conflictsWith).toContain('llrd');
    expect(() => createLayerwise({})).toThrow(/at least one/);
    expect(() => createLayerwise({ llrd: '2' })).toThrow(/option "llrd": expected a number > 0 and <= 1, got "2"/);
    expect(() => createLayerwise({ freeze: '1', unfreeze: 'gradual' })).toThrow(/cannot be combined/);
  });
});
