import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { fromPretrained, itemProgress, loadDataset, readModelConfig, resolvePretrained, taskFromArchitectures, TlError, tokenizerCollator, writeFileAtomic } from '@tl/core';
import { engineFor } from '../runtime/backend.js';
import { addFieldOptions, fieldsFromFlags, type FieldFlags } from '../runtime/data-flags.js';
import { positiveInt } from '../runtime/options.js';
import { evaluateClassifier } from '../evaluate/evaluate-classifier.js';
import { formatEvaluationReport, type EvaluationReport } from '../evaluate/evaluation-report.js';
import { modelLabelMap } from '../evaluate/model-label-map.js';

interface EvaluateFlags extends FieldFlags {
  model: string;
  data: string;
  maxLength?: number;
  batchSize: number;
  backend: string;
  json?: boolean;
  output?: string;
}

export function evaluateCommand(): Command {
  const command = new Command('evaluate')
    .description('measure a fine-tuned sequence classifier on labelled JSONL, CSV or TSV data')
    .requiredOption('--model <dir|id>', 'HF model folder (as tl finetune writes) or hub id of a sequence classifier')
    .requiredOption('--data <file>', 'labelled data (.jsonl, .csv, .tsv); labels are class indices or the names in the model\'s id2label');
  return addFieldOptions(command)
    .option('--max-length <n>', 'truncate inputs to n tokens (longest_first for pairs)', positiveInt)
    .option('--batch-size <n>', 'examples per forward pass', positiveInt, 32)
    .option('--backend <name>', 'wasm (default), cpu, webgpu, cuda, torch-cpu', 'wasm')
    .option('--json', 'print the report as JSON instead of tables')
    .option('--output <file>', 'also write the report as JSON to this file')
    .addHelpText(
      'after',
      [
        '',
        'Reports the loss, accuracy, F1 (macro and micro), MCC, per-class precision/recall/F1/support and the',
        'confusion matrix, computed as tl finetune --eval computes its eval_* metrics. Labels map through the',
        "model's config.json id2label; a label the model does not know is an error naming its file and line.",
        'JSON: {"model", "data", "examples", "metrics": {"eval_loss", "eval_accuracy", "eval_f1_macro",',
        '"eval_f1_micro", "eval_mcc"}, "perClass": [{"label", "precision", "recall", "f1", "support"}],',
        '"confusionMatrix": {"labels", "counts"}}',
      ].join('\n'),
    )
    .action(async (flags: EvaluateFlags) => {
      await engineFor(flags.backend);
      const dir = await resolvePretrained(flags.model);
      const configPath = join(dir, 'config.json');
      const config = await readModelConfig(dir);
      if (taskFromArchitectures(config['architectures']) !== 'sequence-classification') {
        throw new TlError(
          'MODEL',
          `${configPath}: architectures ${JSON.stringify(config['architectures'] ?? null)} is not a sequence classifier; fine-tune it first (tl finetune)`,
        );
      }
      // The data is checked against the model's labels before the weights are loaded.
      const labelMap = modelLabelMap(config, configPath);
      const data = await loadDataset(flags.data, { ...fieldsFromFlags(flags), labelMap });

      const { model, tokenizer, report: load } = await fromPretrained(dir, { task: 'sequence-classification' });
      try {
        if (load.missing.length > 0) {
          // Evaluating freshly initialised weights would report noise as a result.
          throw new TlError('CHECKPOINT', `${dir}: the checkpoint lacks ${load.missing.join(', ')}; evaluate a model saved by tl finetune`);
        }
        const bar = itemProgress('evaluate', data.examples.length);
        const evaluation = await evaluateClassifier(model, tokenizerCollator(tokenizer, { maxLength: flags.maxLength }), data.examples, labelMap, {
          batchSize: flags.batchSize,
          onProgress: (done) => bar.update(done),
        });
        bar.stop();
        const report: EvaluationReport = { model: flags.model, data: flags.data, examples: data.examples.length, ...evaluation };
        const json = `${JSON.stringify(report, null, 2)}\n`;
        if (flags.output) {
          await mkdir(dirname(flags.output), { recursive: true });
          await writeFileAtomic(flags.output, json);
        }
        process.stdout.write(flags.json ? json : `${formatEvaluationReport(report)}\n`);
      } finally {
        model.dispose();
      }
    });
}
