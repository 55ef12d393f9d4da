import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../src/engine/create-engine.js';
import { TrainerEvents } from '../../src/training/events/trainer-events.js';
import { TOKENS } from '../../src/di/tokens.js';
import { Callback, type HookContext, type StepContext } from '../../src/training/callback.js';
import { itemProgress, ProgressBar } from '../../src/training/callbacks/progress-bar.js';
import { EarlyStopping } from '../../src/training/callbacks/early-stopping.js';
import { Trainer } from '../../src/training/trainer.js';
import { readTrainerCheckpoint, saveTrainerCheckpoint } from '../../src/training/checkpoint/trainer-checkpoint.js';
import { ToyModel, toyCollator, toyExamples } from './support/toy-model.js';

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
});
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ctx = {} as HookContext;

describe('TrainerEvents', () => {
  it('awaits async handlers one after another, in registration order', async () => {
    const bus = new TrainerEvents();
    const log: string[] = [];
    bus.on('stepEnd', async () => {
      await new Promise((r) => setTimeout(r, 20));
      log.push('slow');
    });
    const off = bus.on('stepEnd', () => void log.push('fast'));
    await bus.dispatch('stepEnd', ctx as StepContext);
    expect(log).toEqual(['slow', 'fast']);
    off();
    expect(bus.listenerCount('stepEnd')).toBe(1);
  });

  it('routes each event to the matching Callback hook', async () => {
    const seen: string[] = [];
    class All extends Callback {
      readonly name = 'all';
      override onTrainStart() {
        seen.push('trainStart');
      }
      override onEvaluate() {
        seen.push('evaluate');
      }
      override onLoad() {
        seen.push('load');
      }
    }
    const bus = new TrainerEvents();
    const detach = bus.attach(new All());
    await bus.dispatch('trainStart', ctx);
    await bus.dispatch('evaluate', { ...ctx, metrics: {} });
    await bus.dispatch('load', { ...ctx, dir: 'x' });
    await bus.dispatch('epochEnd', ctx); // a no-op hook
    expect(seen).toEqual(['trainStart', 'evaluate', 'load']);
    detach();
    expect(bus.listenerCount('trainStart')).toBe(0);
  });

  it('fires the lifecycle in order during fit', async () => {
    const order: string[] = [];
    const model = new ToyModel();
    const t = new Trainer({ model, collator: toyCollator(), args: { batchSize: 4, maxSteps: 3, evalStrategy: 'epoch' } });
    for (const e of ['trainStart', 'epochStart', 'stepStart', 'afterBackward', 'beforeOptimizerStep', 'stepEnd', 'evaluate', 'epochEnd', 'trainEnd'] as const) {
      t.events.on(e, () => void order.push(e));
    }
    await t.fit(toyExamples(8), toyExamples(4, 1));
    const step = ['stepStart', 'afterBackward', 'beforeOptimizerStep', 'stepEnd'];
    expect(order).toEqual(['trainStart', 'epochStart', ...step, ...step, 'evaluate', 'epochEnd', 'epochStart', ...step, 'evaluate', 'trainEnd']);
    expect(() => t.addCallback(new EarlyStopping()).addCallback(new EarlyStopping())).toThrow(/callback named "early-stopping" is already attached/);
    t.dispose();
    model.dispose();
  });
});

describe('callbacks from the DI container', () => {
  it('attaches every TOKENS.Callback registration of the given container', async () => {
    const container = (await createEngine({ backend: 'cpu' })).container;
    const seen: number[] = [];
    class FromContainer extends Callback {
      readonly name = 'from-container';
      override onStepEnd(c: StepContext) {
        seen.push(c.state.step);
      }
    }
    container.register(TOKENS.Callback, { useValue: new FromContainer() });
    const model = new ToyModel();
    const t = new Trainer({ model, collator: toyCollator(), args: { maxSteps: 2, batchSize: 4 }, container });
    await t.fit(toyExamples(8));
    expect(seen).toEqual([1, 2]);
    t.dispose();
    model.dispose();
  });
});

describe('ProgressBar', () => {
  it('stays quiet when the output is not a terminal', async () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (d) => (written += String(d)));
    const model = new ToyModel();
    const t = new Trainer({ model, collator: toyCollator(), args: { maxSteps: 2, batchSize: 4 }, callbacks: [new ProgressBar({ stream })] });
    await t.fit(toyExamples(8));
    expect(written).toBe('');
    t.dispose();
    model.dispose();
  });

  it('draws steps, loss and lr when enabled', async () => {
    const pass = new PassThrough();
    let written = '';
    pass.on('data', (d) => (written += String(d)));
    const stream = Object.assign(pass, { isTTY: true, columns: 120 }) as unknown as NodeJS.WriteStream;
    const model = new ToyModel();
    const t = new Trainer({ model, collator: toyCollator(), args: { maxSteps: 2, batchSize: 4 }, callbacks: [new ProgressBar({ stream, enabled: true })] });
    await t.fit(toyExamples(8));
    expect(written).toMatch(/step 2\/2 \|.*\| 100% \| loss \d\.\d{4} \| lr /);
    t.dispose();
    model.dispose();
  });

  it('the commands\' bar follows the same rule: drawn on a terminal stream whatever stdout is, else silent', () => {
    const capture = (isTTY: boolean) => {
      const pass = new PassThrough();
      let written = '';
      pass.on('data', (d) => (written += String(d)));
      const stream = Object.assign(pass, { isTTY, columns: 120 }) as unknown as NodeJS.WriteStream;
      const bar = itemProgress('predict', 4, { stream });
      bar.update(4);
      bar.stop();
      return written;
    };
    expect(capture(true)).toMatch(/predict \[.*\] 4\/4 100%/);
    expect(capture(false)).toBe('');
  });
});

describe('trainer checkpoints', () => {
  it('hold an HF folder plus optimizer, scheduler, data order and callback state; re-saving replaces atomically', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tl-ckpt-'));
    dirs.push(out);
    const model = new ToyModel();
    const stopper = new EarlyStopping({ patience: 5 });
    const t = new Trainer({
      model,
      collator: toyCollator(),
      args: { outputDir: out, maxSteps: 3, batchSize: 4, evalStrategy: 'steps', evalSteps: 1 },
      callbacks: [stopper],
      tokenizerFiles: { tokenizerJson: { version: '1.0' } },
    });
    await t.fit(toyExamples(12), toyExamples(4, 1));
    const dir = join(out, 'checkpoint-3');
    await t.saveCheckpoint(dir);
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors', 'optimizer.safetensors', 'tokenizer.json', 'trainer_state.json', 'training_args.json']);
    const c = await readTrainerCheckpoint(dir);
    expect(c.state).toMatchObject({ format: 'tl-trainer-state', globalStep: 3, maxSteps: 3, scheduler: { step: 3 }, dataOrder: { epoch: 1, position: 0 } });
    expect(c.state.callbacks['early-stopping']).toEqual(stopper.stateDict());
    expect([...c.optimizerTensors.keys()]).toContain('classifier.weight.exp_avg_sq');
    expect(c.state.optimizer.steps['classifier.weight']).toBe(3);
    expect(JSON.parse(readFileSync(join(dir, 'training_args.json'), 'utf8')).maxSteps).toBe(3);

    const first = readFileSync(join(dir, 'model.safetensors'));
    model.parameters.get('classifier.bias').assign(model.parameters.get('classifier.bias').add(1));
    await t.saveCheckpoint(dir);
    expect(readFileSync(join(dir, 'model.safetensors')).equals(first)).toBe(false);
    expect(readdirSync(out)).toEqual(['checkpoint-3']); // no temp or set-aside folder left behind
    await expect(readTrainerCheckpoint(out)).rejects.toThrow(/trainer_state\.json: cannot read \(ENOENT\); not a tl training checkpoint/);
    await expect(saveTrainerCheckpoint(join(out, 'x'), { model, optimizer: { betas: [0.9, 0.999], eps: 1e-8, steps: {}, tensors: new Map() }, state: {} as never, args: {}, tokenizerJson: { n: 1n } })).rejects.toThrow();
    expect(readdirSync(out)).toEqual(['checkpoint-3']);
    t.dispose();
    model.dispose();
  });
});
