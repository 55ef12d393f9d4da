import { Command } from 'commander';
import { fromPretrained, readModelConfig, resolvePretrained, savePretrained, tokenizerCollator, Trainer } from '@tl/core';
import { engineFor } from '../runtime/backend.js';
import { addFieldOptions, fieldsFromFlags, type FieldFlags } from '../runtime/data-flags.js';
import { id2labelForConfig, loadTrainingData } from '../runtime/labels.js';
import { positiveInt } from '../runtime/options.js';
import { addStrategyOption, strategiesFromSpecs } from '../runtime/strategies.js';
import {
  addTrainerOptions,
  resumeFrom,
  trainerCallbacks,
  trainingArgsFromFlags,
  type TrainerFlags,
} from '../runtime/trainer-flags.js';

interface FinetuneFlags extends TrainerFlags, FieldFlags {
  model: string;
  train: string;
  eval?: string;
  maxLength?: number;
  numLabels?: number;
  strategy: string[];
  plugin: string[];
}

export function finetuneCommand(): Command {
  const command = new Command('finetune')
    .description('fine-tune a pretrained encoder for sequence classification on JSONL, CSV or TSV data')
    .requiredOption('--model <dir|id>', 'HF model folder or hub id to start from')
    .requiredOption('--train <file>', 'training data (.jsonl, .csv, .tsv)')
    .option('--eval <file>', 'evaluation data, same fields')
    .requiredOption('--output-dir <dir>', 'where metrics.jsonl, checkpoints and the fine-tuned model go');
  addFieldOptions(command)
    .option('--max-length <n>', 'truncate inputs to n tokens (longest_first for pairs)', positiveInt)
    .option('--num-labels <k>', 'classes of the head for integer labels 0..k-1 (default: the largest label + 1, every class present)', positiveInt);
  addStrategyOption(command, 'transfer strategy, repeatable, as name:key=value,... (e.g. freeze:layers=2, llrd:decay=0.9)');
  return addTrainerOptions(command)
    .addHelpText(
      'after',
      [
        '',
        'Writes <output-dir>/metrics.jsonl (one line per optimizer step: step, loss, lr; eval lines) and',
        'the fine-tuned model as an HF folder in <output-dir>.',
        '',
        'Strategies (@tl/plugins; options in packages/plugins/README.md): share (from=DIR), reinit, freeze,',
        'llrd, gradual-unfreeze, chain-thaw, layerwise, eda, contextual, auxiliary, feature-extraction, lora.',
        'They compose in phase order; a conflicting pair is refused before training, e.g.',
        '  tl finetune ... --strategy freeze:layers=2 --strategy llrd:decay=0.9',
      ].join('\n'),
    )
    .action(async (flags: FinetuneFlags) => {
      // Strategy specs and flag conflicts first: a typo fails in milliseconds, not after loading the model and data.
      const strategies = await strategiesFromSpecs(flags.strategy, flags.plugin);
      const args = trainingArgsFromFlags(flags, flags.eval !== undefined);
      await engineFor(flags.backend);
      const dir = await resolvePretrained(flags.model);
      const checkpointConfig = await readModelConfig(dir);
      const { train, evaluation, labelMap } = await loadTrainingData(flags.train, flags.eval, fieldsFromFlags(flags), checkpointConfig, {
        numLabels: flags.numLabels,
        remedy: 'or give --num-labels K for a head with classes the data lacks',
      });

      const { model, tokenizer, report } = await fromPretrained(dir, {
        task: 'sequence-classification',
        id2label: id2labelForConfig(labelMap),
        dropout: flags.dropout,
        seed: flags.seed,
        ignoreMismatchedSizes: true,
      });
      for (const m of report.mismatched) {
        process.stderr.write(`tl: note: ${m.name} re-initialised: the checkpoint has [${m.checkpoint.join(', ')}], ${labelMap.numLabels} labels need [${m.model.join(', ')}]\n`);
      }
      const trainer = new Trainer({
        model,
        collator: tokenizerCollator(tokenizer, { maxLength: flags.maxLength }),
        args,
        callbacks: trainerCallbacks(flags),
        strategies,
        tokenizerFiles: tokenizer.files,
      });
      const result = await trainer.fit(train.examples, evaluation?.examples, { resumeFrom: resumeFrom(flags) });
      await savePretrained(flags.outputDir, model, { tokenizerFrom: dir });
      process.stderr.write(
        `tl: trained ${result.steps} steps, final loss ${result.finalLoss.toFixed(4)}${result.stopReason ? ` (${result.stopReason})` : ''}; model saved in ${flags.outputDir}\n`,
      );
      trainer.dispose();
      model.dispose();
    });
}
