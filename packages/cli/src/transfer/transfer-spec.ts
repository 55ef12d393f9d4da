import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  resolvePretrained,
  SeededRandom,
  type Example,
  type FieldMapping,
  type TrainingArgsInput,
  type TransferCondition,
  type TransferExperimentOptions,
} from '@tl/core';
import { stratifiedSubsample } from '@tl/datasets';
import { id2labelForConfig, loadTrainingData } from '../runtime/labels.js';
import { loadStrategyPlugins } from '../runtime/strategies.js';

/**
 * One transfer experiment as plain JSON: everything `tl transfer`'s flags decide, with files as
 * absolute paths. It is what a queue job carries, so any worker can rebuild the experiment's options
 * from it (`prepareTransfer`) exactly as the submitting command did: the same files, caps, label map,
 * budget samples and trainer arguments. Paths must name the same files on every worker (a shared
 * folder); `model` may also be a hub id, which every worker resolves into its own cache.
 */
export interface TransferSpec {
  readonly model: string;
  readonly sourceTrain?: string;
  readonly sourceEval?: string;
  readonly targetTrain: string;
  readonly targetTest: string;
  readonly fields: FieldMapping;
  /** Fixed random caps of the target sets (0: all). */
  readonly maxTargetTrain: number;
  readonly maxTargetTest: number;
  readonly conditions?: readonly TransferCondition[];
  readonly budgets: readonly number[];
  readonly seeds: readonly number[];
  readonly strategies: readonly string[];
  /** `--plugin` modules: absolute paths or package names. */
  readonly plugins: readonly string[];
  readonly targetArgs: TrainingArgsInput;
  readonly sourceArgs: TrainingArgsInput;
  readonly maxLength?: number;
  readonly evalBatchSize: number;
  readonly minSteps: number;
  /** Run folders, the source checkpoint, transfer.jsonl and results.json (shared by every worker). */
  readonly outputDir: string;
}

/** A user's path made absolute (workers run elsewhere, in another directory); hub ids and package names stay as they are. */
export function absoluteIfPath(value: string): string {
  return existsSync(value) ? resolve(value) : value;
}

/** A fixed seeded subsample of at most `max` examples (0: all), so large files can be capped. */
function cap(examples: readonly Example[], max: number, seed: number): Example[] {
  return max > 0 && examples.length > max ? new SeededRandom(seed).shuffle([...examples]).slice(0, max) : [...examples];
}

/**
 * The experiment's options from its spec: plugins loaded, the model resolved, the data read and
 * capped. The single-process command and every queue worker call this, so both run the same grid.
 */
export async function prepareTransfer(spec: TransferSpec): Promise<TransferExperimentOptions> {
  await loadStrategyPlugins(spec.strategies, spec.plugins); // runTransferExperiment builds (and checks) them by name
  const dir = await resolvePretrained(spec.model);
  const target = await loadTrainingData(spec.targetTrain, spec.targetTest, spec.fields, {});
  let source;
  if (spec.sourceTrain) {
    const s = await loadTrainingData(spec.sourceTrain, spec.sourceEval, spec.fields, {});
    source = { train: s.train.examples, test: s.evaluation?.examples, id2label: id2labelForConfig(s.labelMap) };
  }
  const numClasses = target.labelMap.numLabels;
  return {
    pretrained: dir,
    target: { train: cap(target.train.examples, spec.maxTargetTrain, 0), test: cap(target.evaluation!.examples, spec.maxTargetTest, 0), id2label: id2labelForConfig(target.labelMap) },
    source,
    conditions: spec.conditions,
    budgets: spec.budgets,
    seeds: spec.seeds,
    strategies: spec.strategies,
    targetArgs: spec.targetArgs,
    sourceArgs: spec.sourceArgs,
    maxLength: spec.maxLength,
    evalBatchSize: spec.evalBatchSize,
    minSteps: spec.minSteps,
    // Stratified, so a 1% budget still sees every class it can afford.
    sample: (examples, count, seed) => stratifiedSubsample(examples, { budget: count, seed, minPerClass: count >= numClasses ? 1 : 0 }),
    outputDir: spec.outputDir,
  };
}
