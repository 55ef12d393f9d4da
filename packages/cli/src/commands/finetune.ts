import { Command } from 'commander';
import { fromPretrained, readModelConfig, resolvePretrained, savePretrained, tokenizerCollator, Trainer } from '@tl/core';
import { engineFor } from '../runtime/backend.js';
import { id2labelForConfig, loadTrainingData } from '../runtime/labels.js';
import { positiveInt } from '../runtime/options.js';
import {
  addTrainerOptions,
  readTokenizerFiles,
  resumeFrom,
  trainerCallbacks,
  trainingArgsFromFlags,
  type TrainerFlags,
} from '../runtime/trainer-flags.js';

interface FinetuneFlags extends TrainerFlags {
  model: string;
  train: string;
  eval?: string;
  textField: string;
  textPairField?: string;
  labelField: string;
  maxLength?: number;
}

export function finetuneCommand(): Command {
  const command = new Command('finetune')
    .description('fine-tune a pretrained encoder for sequence classification on JSONL, CSV or TSV data')
    .requiredOption('--model <dir|id>', 'HF model folder or hub id to start from')
    .requiredOption('--train <file>', 'training data (.jsonl, .csv, .tsv)')
    .option('--eval <file>', 'evaluation data, same fields')
    .requiredOption('--output-dir <dir>', 'where metrics.jsonl, checkpoints and the fine-tuned model go')
    .option('--text-field <name>', 'field holding the text', 'text')
    .option('--text-pair-field <name>', 'field holding the second text of a pair')
    .option('--label-field <name>', 'field holding the label (class index or name)', 'label')
    .option('--max-length <n>', 'truncate inputs to n tokens (longest_first for pairs)', positiveInt);
  return addTrainerOptions(command)
    .addHelpText('after', '\nWrites <output-dir>/metrics.jsonl (one line per optimizer step: step, loss, lr; eval lines) and\nthe fine-tuned model as an HF folder in <output-dir>.')
    .action(async (flags: FinetuneFlags) => {
      await engineFor(flags.backend);
      const dir = await resolvePretrained(flags.model);
      const checkpointConfig = await readModelConfig(dir);
      const fields = { textField: flags.textField, textPairField: flags.textPairField, labelField: flags.labelField };
      const { train, evaluation, labelMap } = await loadTrainingData(flags.train, flags.eval, fields, checkpointConfig);

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
        args: trainingArgsFromFlags(flags, evaluation !== undefined),
        callbacks: trainerCallbacks(flags),
        tokenizerFiles: await readTokenizerFiles(dir),
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
