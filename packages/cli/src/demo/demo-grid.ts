import { join } from 'node:path';
import { stratifiedSubsample, WordNet, wordnetPosTask, wordnetSupersenseTask, writeTaskJsonl } from '@tl/datasets';

/** Sizes of the full demo (under 10 minutes on 2 cores) and of `--quick` (the end-to-end test). */
export const DEMO_SIZES = {
  quick: { source: 150, sourceEpochs: 1, targetTrain: 200, targetTest: 120, budgets: '0.1,1', seeds: 2, epochs: 1, minSteps: 4, scoreExamples: 80 },
  full: { source: 1500, sourceEpochs: 2, targetTrain: 1500, targetTest: 400, budgets: '0.01,0.1,1', seeds: 3, epochs: 2, minSteps: 40, scoreExamples: 300 },
} as const;
/** Peak learning rate of every fine-tuning run. */
export const DEMO_LR = '1e-3';
/** Fine-tuning hyperparameters of every run (all conditions alike). */
export const DEMO_FINETUNE = ['--batch-size', '16', '--lr', DEMO_LR, '--warmup-ratio', '0.1', '--max-length', '32'];
export type DemoSize = (typeof DEMO_SIZES)[keyof typeof DEMO_SIZES];

export interface DemoTasks {
  readonly source: { readonly train: string };
  readonly target: { readonly train: string; readonly test: string };
  readonly sourceClasses: number;
  readonly targetClasses: number;
}

/** The demo's tasks as JSONL under `dir`: WordNet gloss → supersense (source) and gloss → part of speech (target). */
export async function writeDemoTasks(dir: string, size: DemoSize): Promise<DemoTasks> {
  const cap = <E extends { label: number; text: string }>(xs: readonly E[], n: number) => stratifiedSubsample(xs, { budget: n, seed: 0 });
  const wordnet = await WordNet.load();
  const supersense = await wordnetSupersenseTask({ wordnet });
  const pos = await wordnetPosTask({ wordnet });
  const source = await writeTaskJsonl({ ...supersense, train: cap(supersense.train, size.source), validation: [], test: [] }, join(dir, 'source'));
  const target = await writeTaskJsonl({ ...pos, train: cap(pos.train, size.targetTrain), validation: [], test: cap(pos.test, size.targetTest) }, join(dir, 'target'));
  return { source: { train: source.train }, target: { train: target.train, test: target.test! }, sourceClasses: supersense.labels.length, targetClasses: pos.labels.length };
}

/** The demo's `tl transfer` grid: scratch / pretrained / pretrained + source at the size's budgets and seeds. */
export function demoTransferArgs(model: string, tasks: DemoTasks, size: DemoSize, outputDir: string): string[] {
  return ['transfer', '--model', model, '--source-train', tasks.source.train, '--target-train', tasks.target.train, '--target-test', tasks.target.test,
    '--budgets', size.budgets, '--seeds', String(size.seeds), '--epochs', String(size.epochs), '--min-steps', String(size.minSteps),
    '--source-epochs', String(size.sourceEpochs), ...DEMO_FINETUNE, '--output-dir', outputDir];
}
