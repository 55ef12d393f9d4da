import * as tf from '@tensorflow/tfjs-core';
import type { DependencyContainer } from 'tsyringe';
import { BatchSampler } from '../data/batching/batch-sampler.js';
import { TOKENS } from '../di/tokens.js';
import { disposeBatch, type Collator } from '../data/collate/collator.js';
import { TlError } from '../errors/tl-error.js';
import { explainOutOfMemory } from '../errors/out-of-memory.js';
import type { Model } from '../model/model.js';
import type { ParameterGroup, StrategyContext, TransferStrategy } from '../transfer/transfer-strategy.js';
import { greaterIsBetter, resolveTrainingArgs, type TrainingArgs, type TrainingArgsInput } from './args.js';
import type { Callback, CheckpointContext, HookContext, TrainerControl, TrainerHandle, TrainerState } from './callback.js';
import {
  findLatestCheckpoint,
  readTrainerCheckpoint,
  restoreParameters,
  saveTrainerCheckpoint,
  toTensors,
} from './checkpoint/trainer-checkpoint.js';
import { TrainerEvents } from './events/trainer-events.js';
import { clipCoefficient, globalGradNorm, scaleGradients } from './gradients/clip-grad-norm.js';
import { GradientAccumulator } from './gradients/gradient-accumulator.js';
import { dropoutSeed } from './loop/dropout-seed.js';
import { evaluateModel, type ComputeMetrics } from './loop/evaluate-model.js';
import { orderStrategies } from './loop/strategy-pipeline.js';
import { AdamW } from './optim/adamw.js';
import {
  defaultParameterGroups,
  toOptimizerGroups,
  trainableVariables,
  validateParameterGroups,
} from './optim/parameter-groups.js';
import { scheduleLambda } from './schedule/lr-lambdas.js';
import { LrScheduler } from './schedule/lr-scheduler.js';

/** One labeled example as the data layer hands it to the Trainer. */
export interface Example {
  readonly text: string;
  readonly textPair?: string;
  /** Class index (classification) — string labels are mapped before they reach the Trainer. */
  readonly label: number;
}

export interface TrainResult {
  readonly steps: number;
  readonly finalLoss: number;
  /** `train_loss` (mean step loss of the run), `epoch`, and the last evaluation's `eval_*` metrics. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly stoppedEarly: boolean;
  /** Why training stopped early (the reason given to `control.stop`). */
  readonly stopReason?: string;
}

export interface TrainerOptions {
  readonly model: Model;
  /** Turns examples into padded tensors (e.g. `PaddingCollator` over the model's tokenizer). */
  readonly collator: Collator;
  readonly args?: TrainingArgsInput;
  /** Attached in order; more can be added with `addCallback`. */
  readonly callbacks?: readonly Callback[];
  /** Transfer strategies; they run by phase, then as given (conflicts are refused at `fit`). */
  readonly strategies?: readonly TransferStrategy[];
  /** A source model for strategies that transfer from one (weight sharing). */
  readonly source?: Model;
  /** Metrics from evaluation predictions; default: accuracy, F1 (macro/micro), MCC for classification. */
  readonly computeMetrics?: ComputeMetrics;
  /** Tokenizer files saved into every checkpoint, so a checkpoint folder is a complete HF model. */
  readonly tokenizerFiles?: { readonly tokenizerJson?: unknown; readonly tokenizerConfig?: unknown };
  /** A DI container (e.g. `engine.container`): every callback registered under `TOKENS.Callback` is attached first. */
  readonly container?: DependencyContainer;
}

export interface FitOptions {
  /** A checkpoint folder to resume from, or `true` for the newest `checkpoint-N` in `args.outputDir`. */
  readonly resumeFrom?: string | true;
}

/** The mutable state of one `fit` call; kept after it ends so a final checkpoint can still be written. */
interface Run {
  readonly data: readonly Example[];
  readonly evaluation?: readonly Example[];
  readonly groups: ParameterGroup[];
  readonly strategies: readonly TransferStrategy[];
  readonly strategyContext: StrategyContext;
  /** The model forward passes go through: `this.model`, or a strategy's wrapper of it (`wrapModel`). */
  readonly forwardModel: Model;
  readonly sampler: BatchSampler;
  readonly optimizer: AdamW;
  readonly scheduler: LrScheduler;
  readonly batchesPerEpoch: number;
  state: MutableState;
  lossSum: number;
  lastEvalMetrics?: Record<string, number>;
  lastEvalStep?: number;
  /** A copy of the best weights, for `loadBestModelAtEnd`. */
  best?: Map<string, tf.Tensor>;
}

type MutableState = { -readonly [K in keyof TrainerState]: TrainerState[K] };

/**
 * The fine-tuning loop: AdamW with torch semantics, HF schedules, clipping, gradient accumulation,
 * NaN policy, evaluation with best-model tracking, exact resume, and a typed event bus that callbacks
 * and strategies hook into. A step is: collate micro-batches → forward/backward each (loss / accum)
 * → sum gradients → afterBackward → clip → beforeOptimizerStep → AdamW → scheduler → evaluation if
 * due → stepEnd. Everything that decides a step's numbers (data order, dropout seeds, optimizer and
 * scheduler state) is either saved in checkpoints or derived from (seed, step), so a resumed run
 * repeats an uninterrupted one exactly.
 *
 *     const trainer = new Trainer({ model, collator, args: { learningRate: 2e-5, numTrainEpochs: 3 },
 *                                   callbacks: [new JsonlMetricsLogger('out/metrics.jsonl')] });
 *     const result = await trainer.fit(train, evaluation);
 */
export class Trainer {
  readonly model: Model;
  readonly args: TrainingArgs;
  /** The lifecycle event bus; `trainer.events.on('stepEnd', ctx => ...)` for ad-hoc hooks. */
  readonly events = new TrainerEvents();
  private readonly collator: Collator;
  private readonly callbacks: Callback[] = [];
  private readonly strategyList: readonly TransferStrategy[];
  private readonly source?: Model;
  private readonly computeMetrics?: ComputeMetrics;
  private readonly tokenizerFiles?: TrainerOptions['tokenizerFiles'];
  private run?: Run;
  private stopReason?: string;
  private stopRequested = false;
  private skipRequested = false;
  private readonly control: TrainerControl = {
    stop: (reason) => {
      this.stopRequested = true;
      this.stopReason ??= reason ?? 'stop requested by a callback';
    },
    skipStep: () => {
      this.skipRequested = true;
    },
  };
  private readonly handle: TrainerHandle;

  constructor(options: TrainerOptions) {
    this.model = options.model;
    this.collator = options.collator;
    this.args = resolveTrainingArgs(options.args);
    this.strategyList = options.strategies ?? [];
    this.source = options.source;
    this.computeMetrics = options.computeMetrics;
    this.tokenizerFiles = options.tokenizerFiles;
    const self = this;
    this.handle = {
      get outputDir() {
        return self.args.outputDir;
      },
      get parameterGroups() {
        return self.parameterGroups;
      },
      saveCheckpoint: (dir) => this.saveCheckpoint(dir),
    };
    const c = options.container;
    if (c?.isRegistered(TOKENS.Callback, true)) for (const cb of c.resolveAll(TOKENS.Callback)) this.addCallback(cb);
    for (const cb of options.callbacks ?? []) this.addCallback(cb);
  }

  /** Attaches a callback (its hooks run after those attached before it). Names must be unique: they key checkpoint state. */
  addCallback(callback: Callback): this {
    if (this.callbacks.some((c) => c.name === callback.name)) {
      throw new TlError('TRAINING', `a callback named "${callback.name}" is already attached; callback names key their checkpoint state`);
    }
    this.callbacks.push(callback);
    this.events.attach(callback);
    return this;
  }

  /** The current counters (a snapshot). */
  get state(): TrainerState {
    return { ...(this.run?.state ?? { step: 0, epoch: 0, maxSteps: 0 }) };
  }

  /** Parameter groups of the current run, as strategies last left them. */
  get parameterGroups(): readonly ParameterGroup[] {
    return this.run?.groups ?? [];
  }

  /**
   * Trains on `train`, evaluating on `evaluation` as `args.evalStrategy` says and once more before
   * train end when the last step was not evaluated (its metrics are the result's `eval_*`).
   */
  async fit(train: readonly Example[], evaluation?: readonly Example[], options: FitOptions = {}): Promise<TrainResult> {
    if (train.length === 0) throw new TlError('INPUT', 'the training set is empty');
    this.stopRequested = false;
    this.stopReason = undefined;
    this.disposeRun();
    const run = await this.setUp(train, evaluation);
    this.run = run;

    if (options.resumeFrom !== undefined) {
      const dir = options.resumeFrom === true ? await findLatestCheckpoint(this.args.outputDir) : options.resumeFrom;
      if (dir === undefined) throw new TlError('CHECKPOINT', `${this.args.outputDir}: no complete checkpoint-N folder to resume from`);
      await this.loadCheckpoint(run, dir);
    }

    await this.events.dispatch('trainStart', this.context());
    try {
      await this.loop(run);
      // The final evaluation belongs to the run: callbacks see it before train end (and a final checkpoint holds it).
      if (run.evaluation && run.lastEvalStep !== run.state.step) await this.evaluateDuringTraining(run);
    } catch (e) {
      throw explainOutOfMemory(e) ?? e;
    } finally {
      // Callbacks (progress bars, log files) get to close even when a step threw.
      await this.events.dispatch('trainEnd', this.context());
    }
    if (this.args.loadBestModelAtEnd && run.best) {
      for (const [name, t] of run.best) this.model.parameters.assign(name, t);
    }
    for (const s of run.strategies) await s.onTrainEnd?.(run.strategyContext);
    return {
      steps: run.state.step,
      finalLoss: run.state.lastLoss ?? NaN,
      metrics: {
        train_loss: run.state.step > 0 ? run.lossSum / run.state.step : NaN,
        epoch: run.state.epoch,
        ...(run.lastEvalMetrics ?? {}),
      },
      stoppedEarly: this.stopRequested,
      ...(this.stopReason !== undefined && { stopReason: this.stopReason }),
    };
  }

  /**
   * Evaluates in eval mode (no dropout): `eval_loss` (mean over examples) plus `eval_*` metrics, and
   * dispatches `evaluate` so callbacks (early stopping, loggers) see them.
   */
  async evaluate(examples: readonly Example[]): Promise<Record<string, number>> {
    const metrics = await evaluateModel(this.model, this.collator, examples, {
      batchSize: this.args.evalBatchSize,
      ...(this.computeMetrics && { computeMetrics: this.computeMetrics }),
    });
    await this.events.dispatch('evaluate', { ...this.context(), metrics });
    return metrics;
  }

  /** Writes a complete checkpoint of the current run into `dir` (atomically); returns `dir`. */
  async saveCheckpoint(dir: string): Promise<string> {
    const run = this.run;
    if (!run) throw new TlError('TRAINING', 'saveCheckpoint: no training run to save (call fit first)');
    const callbacks: Record<string, Record<string, unknown>> = {};
    for (const cb of this.callbacks) callbacks[cb.name] = cb.stateDict();
    await saveTrainerCheckpoint(dir, {
      model: this.model,
      optimizer: run.optimizer.stateDict(),
      state: {
        globalStep: run.state.step,
        epoch: run.state.epoch,
        maxSteps: run.state.maxSteps,
        ...(run.state.lastLoss !== undefined && { lastLoss: run.state.lastLoss }),
        ...(run.state.bestMetric !== undefined && { bestMetric: run.state.bestMetric, bestStep: run.state.bestStep }),
        lossSum: run.lossSum,
        dataOrder: run.sampler.stateDict(),
        scheduler: run.scheduler.stateDict(),
        parameterGroups: run.groups,
        callbacks,
      },
      args: this.args,
      ...this.tokenizerFiles,
    });
    await this.events.dispatch('save', { ...this.context(), dir });
    return dir;
  }

  /** Frees the optimizer state and best-model copy (the model itself belongs to the caller). */
  dispose(): void {
    this.disposeRun();
  }

  // ---------------------------------------------------------------------------------------------

  private async setUp(train: readonly Example[], evaluation?: readonly Example[]): Promise<Run> {
    const a = this.args;
    const strategies = orderStrategies(this.strategyList);
    const strategyContext: StrategyContext = { model: this.model, seed: a.seed, ...(this.source && { source: this.source }) };
    for (const s of strategies) await s.prepareModel?.(strategyContext);
    let forwardModel = this.model;
    for (const s of strategies) if (s.wrapModel) forwardModel = s.wrapModel(forwardModel, strategyContext);
    let data = train;
    for (const s of strategies) if (s.transformDataset) data = await s.transformDataset(data, strategyContext);
    if (data.length === 0) throw new TlError('STRATEGY', 'the training set is empty after the strategies transformed it');

    let groups: readonly ParameterGroup[] = defaultParameterGroups(this.model.parameters, {
      weightDecay: a.weightDecay,
      ...(a.noDecay && { noDecay: a.noDecay }),
    });
    for (const s of strategies) if (s.parameterGroups) groups = s.parameterGroups(groups, strategyContext);
    validateParameterGroups(groups, this.model.parameters);

    let lengths: number[] | undefined;
    if (a.groupByLength) {
      const lengthOf = this.collator.lengthOf?.bind(this.collator);
      if (!lengthOf) throw new TlError('CONFIG', 'training args: "groupByLength": the collator has no lengthOf()');
      lengths = data.map(lengthOf);
    }
    const sampler = new BatchSampler({
      size: data.length,
      batchSize: a.batchSize,
      shuffle: a.shuffle,
      seed: a.seed,
      ...(lengths && { lengths }),
      dropLast: a.dataloaderDropLast,
    });
    if (sampler.length === 0) throw new TlError('INPUT', `the training set (${data.length} examples) gives no full batch of ${a.batchSize}`);
    // HF: an epoch is ceil(batches / accumulation) optimizer steps; a short last window still steps.
    const stepsPerEpoch = Math.ceil(sampler.length / a.gradientAccumulationSteps);
    const maxSteps = a.maxSteps > 0 ? a.maxSteps : Math.ceil(a.numTrainEpochs * stepsPerEpoch);
    const warmup = a.warmupSteps > 0 ? a.warmupSteps : Math.ceil(a.warmupRatio * maxSteps);
    const o = a.schedulerOptions;
    const lambda = scheduleLambda({
      name: a.lrSchedulerType,
      numTrainingSteps: maxSteps,
      numWarmupSteps: warmup,
      lrInit: a.learningRate,
      ...(o.numCycles !== undefined && { numCycles: o.numCycles }),
      ...(o.power !== undefined && { power: o.power }),
      ...(o.lrEnd !== undefined && { lrEnd: o.lrEnd }),
      ...(o.timescale !== undefined && { timescale: o.timescale }),
      ...(o.cutFrac !== undefined && { cutFrac: o.cutFrac }),
      ...(o.ratio !== undefined && { ratio: o.ratio }),
    });

    return {
      data,
      ...(evaluation && evaluation.length > 0 && { evaluation }),
      groups: groups.map((g) => ({ ...g })),
      strategies,
      strategyContext,
      forwardModel,
      sampler,
      optimizer: new AdamW({ betas: [a.adamBeta1, a.adamBeta2], eps: a.adamEpsilon }),
      scheduler: new LrScheduler(lambda, a.learningRate),
      batchesPerEpoch: sampler.length,
      state: { step: 0, epoch: 0, maxSteps },
      lossSum: 0,
    };
  }

  private async loop(run: Run): Promise<void> {
    const { sampler } = run;
    while (run.state.step < run.state.maxSteps && !this.stopRequested) {
      if (sampler.position === 0) {
        run.state.epoch = sampler.epoch;
        for (const s of run.strategies) s.onEpochStart?.({ ...this.context(), groups: run.groups });
        await this.events.dispatch('epochStart', this.context());
      }
      const batches = sampler.epochBatches();
      while (sampler.position < batches.length && run.state.step < run.state.maxSteps && !this.stopRequested) {
        const window = batches.slice(sampler.position, sampler.position + this.args.gradientAccumulationSteps);
        await this.step(run, window);
      }
      if (sampler.position < batches.length) break; // stopped or max steps mid-epoch: no epoch end
      if (run.evaluation && this.args.evalStrategy === 'epoch') await this.evaluateDuringTraining(run);
      await this.events.dispatch('epochEnd', this.context());
      sampler.nextEpoch();
    }
  }

  /** One optimizer step over a window of micro-batches (gradient accumulation). */
  private async step(run: Run, window: readonly (readonly number[])[]): Promise<void> {
    const stepNo = run.state.step + 1;
    this.skipRequested = false;
    for (const s of run.strategies) s.onStepStart?.({ ...this.context(), groups: run.groups });
    await this.events.dispatch('stepStart', this.context());
    const lrs = run.scheduler.lrs(run.groups.map((g) => g.lrScale));

    let skipped = this.skipRequested;
    let loss = NaN;
    let gradNorm: number | undefined;
    if (!skipped) {
      const { losses, grads } = this.forwardBackward(run, window, stepNo);
      try {
        // One read-back per step, for the losses and the gradient norm together: every read drains
        // a GPU's queue, and the host cannot queue the next step's kernels while it waits.
        const total = grads.size > 0 ? globalGradNorm(grads.values()) : undefined;
        const values = await readScalars(total ? [...losses, total] : losses);
        total?.dispose();
        tf.dispose(losses);
        const lossValues = values.slice(0, losses.length);
        const bad = lossValues.findIndex((v) => !Number.isFinite(v));
        loss = bad >= 0 ? lossValues[bad]! : lossValues.reduce((a, b) => a + b, 0) / lossValues.length;
        if (bad >= 0) {
          skipped = this.nonFinite(stepNo, `loss is ${loss} (epoch ${run.sampler.epoch}, micro-batch ${bad + 1} of ${window.length})`);
        } else if (total) {
          gradNorm = values[values.length - 1]!;
          for (const s of run.strategies) s.onAfterBackward?.({ ...this.context(), gradients: grads, loss, gradNorm, groups: run.groups });
          await this.events.dispatch('afterBackward', { ...this.context(), gradients: grads, loss, gradNorm });
          if (!Number.isFinite(gradNorm) && !this.skipRequested) skipped = this.nonFinite(stepNo, `gradient norm is ${gradNorm} (loss ${loss})`);
          let gradScale = 1;
          if (!skipped && !this.skipRequested) {
            gradScale = clipCoefficient(this.args.maxGradNorm, gradNorm);
            // Hooks after clipping see clipped gradients (as HF's on_pre_optimizer_step does); with no
            // such hook the coefficient goes to the optimizer instead, saving a kernel per gradient.
            if (this.events.listenerCount('beforeOptimizerStep') > 0) {
              scaleGradients(grads, gradScale);
              gradScale = 1;
              await this.events.dispatch('beforeOptimizerStep', { ...this.context(), gradients: grads, loss, gradNorm });
            }
          }
          skipped ||= this.skipRequested;
          if (!skipped) run.optimizer.step(toOptimizerGroups(run.groups, this.model.parameters, lrs), grads, { gradScale });
        }
      } finally {
        tf.dispose([...grads.values()]);
      }
    }

    run.scheduler.advance();
    run.sampler.advance(window.length);
    const s = run.state;
    s.step = stepNo;
    s.epoch = run.sampler.epoch + run.sampler.position / run.batchesPerEpoch;
    if (!skipped) {
      s.lastLoss = loss;
      run.lossSum += loss;
    }
    if (run.evaluation && this.args.evalStrategy === 'steps' && stepNo % this.args.evalSteps! === 0) {
      await this.evaluateDuringTraining(run);
    }
    await this.events.dispatch('stepEnd', {
      ...this.context(),
      loss,
      learningRates: lrs,
      ...(gradNorm !== undefined && { gradNorm }),
      skipped,
    });
  }

  /** A non-finite loss or gradient norm: an error naming the step, or (nanPolicy 'skip') a skipped step. */
  private nonFinite(stepNo: number, what: string): true {
    if (this.args.nanPolicy === 'error') {
      throw new TlError('TRAINING', `step ${stepNo}: ${what}; lower the learning rate, check the data, or set nanPolicy: 'skip'`);
    }
    return true;
  }

  /**
   * Forward and backward over each micro-batch, loss scaled by 1/window (HF's 1/accumulation; a
   * short last window of an epoch divides by its own size so its gradient is still a mean).
   * Returns each micro-batch's unscaled loss (scalars the caller reads and disposes) and the summed
   * gradients by parameter name (empty when everything is frozen). Nothing is read back here: the
   * caller reads the losses together with the gradient norm, in one synchronisation.
   */
  private forwardBackward(
    run: Run,
    window: readonly (readonly number[])[],
    stepNo: number,
  ): { losses: tf.Scalar[]; grads: Map<string, tf.Tensor> } {
    const variables = trainableVariables(run.groups, this.model.parameters);
    const nameOf = new Map([...variables].map(([name, v]) => [v.name, name]));
    const varList = [...variables.values()];
    const accumulator = new GradientAccumulator();
    const scale = 1 / window.length;
    const losses: tf.Scalar[] = [];
    try {
      for (let i = 0; i < window.length; i++) {
        const batch = this.collator.collate(window[i]!.map((j) => run.data[j]!), { step: stepNo, microBatch: i });
        try {
          let raw: tf.Scalar | undefined;
          const forward = (): tf.Scalar => {
            const out = run.forwardModel.forward(batch.inputs, {
              training: true,
              ...(this.args.deterministicDropout && { seed: dropoutSeed(this.args.seed, stepNo, i) }),
            });
            raw = tf.keep(run.forwardModel.loss(out, batch.labels));
            losses.push(raw);
            return window.length === 1 ? raw : tf.mul(raw, scale);
          };
          if (varList.length > 0) {
            const r = tf.variableGrads(forward, varList);
            if (r.value !== raw) r.value.dispose(); // without accumulation the value is `raw` itself
            const grads = new Map<string, tf.Tensor>();
            for (const [vName, g] of Object.entries(r.grads)) grads.set(nameOf.get(vName) ?? vName, g);
            accumulator.add(grads);
          } else {
            const value = tf.tidy(forward); // everything frozen: the loss is still measured
            if (value !== raw) value.dispose();
          }
        } finally {
          disposeBatch(batch);
        }
      }
    } catch (e) {
      accumulator.clear();
      tf.dispose(losses);
      throw e;
    }
    return { losses, grads: accumulator.take() };
  }

  private async evaluateDuringTraining(run: Run): Promise<void> {
    if (!run.evaluation) return;
    const metrics = await evaluateModel(run.forwardModel, this.collator, run.evaluation, {
      batchSize: this.args.evalBatchSize,
      ...(this.computeMetrics && { computeMetrics: this.computeMetrics }),
    });
    run.lastEvalMetrics = metrics;
    run.lastEvalStep = run.state.step;
    const key = this.args.metricForBestModel;
    const value = metrics[key];
    if (value === undefined) {
      throw new TlError('CONFIG', `training args: "metricForBestModel": "${key}" is not among the evaluation metrics (${Object.keys(metrics).join(', ')})`);
    }
    const s = run.state;
    const better = greaterIsBetter(this.args) ? value > (s.bestMetric ?? -Infinity) : value < (s.bestMetric ?? Infinity);
    if (better) {
      s.bestMetric = value;
      s.bestStep = s.step;
      if (this.args.loadBestModelAtEnd) {
        if (run.best) tf.dispose([...run.best.values()]);
        run.best = new Map([...this.model.parameters.entries()].map(([n, v]) => [n, tf.keep(v.clone())]));
      }
    }
    await this.events.dispatch('evaluate', { ...this.context(), metrics });
  }

  private async loadCheckpoint(run: Run, dir: string): Promise<void> {
    const ckpt = await readTrainerCheckpoint(dir);
    const st = ckpt.state;
    if (st.maxSteps !== run.state.maxSteps) {
      throw new TlError(
        'CHECKPOINT',
        `${dir}: the checkpoint was written for ${st.maxSteps} total steps but these args give ${run.state.maxSteps}; ` +
          'resume with the same data, batch size, epochs and accumulation',
      );
    }
    restoreParameters(this.model, ckpt.weights, `${dir}/model.safetensors`);
    const moments = toTensors(ckpt.optimizerTensors);
    try {
      run.optimizer.loadStateDict({ steps: st.optimizer.steps, tensors: moments }, new Map(this.model.parameters.entries()));
    } finally {
      tf.dispose([...moments.values()]);
    }
    run.scheduler.loadStateDict(st.scheduler);
    run.sampler.loadStateDict(st.dataOrder);
    validateParameterGroups(st.parameterGroups, this.model.parameters);
    run.groups.splice(0, run.groups.length, ...st.parameterGroups.map((g) => ({ ...g })));
    run.state = {
      step: st.globalStep,
      epoch: st.epoch,
      maxSteps: st.maxSteps,
      ...(st.lastLoss !== undefined && { lastLoss: st.lastLoss }),
      ...(st.bestMetric !== undefined && { bestMetric: st.bestMetric, bestStep: st.bestStep }),
    };
    run.lossSum = st.lossSum;
    for (const cb of this.callbacks) {
      const saved = st.callbacks[cb.name];
      if (saved !== undefined) cb.loadStateDict(saved);
    }
    const ctx: CheckpointContext = { ...this.context(), dir };
    await this.events.dispatch('load', ctx);
  }

  private context(): HookContext {
    return { model: this.model, state: this.state, control: this.control, trainer: this.handle };
  }

  private disposeRun(): void {
    if (!this.run) return;
    this.run.optimizer.dispose();
    if (this.run.best) tf.dispose([...this.run.best.values()]);
    this.run = undefined;
  }
}

/** The values of scalar tensors, read back in one synchronisation. */
async function readScalars(scalars: readonly tf.Scalar[]): Promise<number[]> {
  if (scalars.length === 1) return [(await scalars[0]!.data())[0]!];
  const stacked = tf.stack(scalars as tf.Scalar[]);
  try {
    return Array.from(await stacked.data());
  } finally {
    stacked.dispose();
  }
}
