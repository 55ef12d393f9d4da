import { Command } from 'commander';
import { fromPretrained, readModelConfig, resolvePretrained, taskFromArchitectures, TlError, writeOnnx } from '@tl/core';
import { engineFor } from '../runtime/backend.js';

interface ExportFlags {
  model: string;
  output: string;
  backend: string;
}

export function exportCommand(): Command {
  return new Command('export')
    .description('export a sequence-classification model to ONNX (onnxruntime runs it with tl\'s logits)')
    .requiredOption('--model <dir|id>', 'HF model folder or hub id of a *ForSequenceClassification model')
    .requiredOption('--output <file>', 'where the .onnx file goes')
    .option('--backend <name>', 'backend used to load the weights', 'cpu')
    .addHelpText('after', '\nThe graph (opset 17) takes int64 input_ids, attention_mask (and token_type_ids for BERT), each\n[batch, sequence] with dynamic axes, and returns float32 logits [batch, num_labels].')
    .action(async (flags: ExportFlags) => {
      await engineFor(flags.backend);
      const dir = await resolvePretrained(flags.model);
      const architectures = (await readModelConfig(dir))['architectures'];
      if (taskFromArchitectures(architectures) !== 'sequence-classification') {
        // Loading it as a classifier would export a randomly initialised head.
        throw new TlError('MODEL', `${dir}/config.json: architectures ${JSON.stringify(architectures ?? null)} has no sequence-classification head to export; fine-tune it first (tl finetune)`);
      }
      const { model, tokenizer } = await fromPretrained(dir, { task: 'sequence-classification' });
      try {
        const bytes = await writeOnnx(flags.output, model, { inputNames: tokenizer.modelInputNames });
        process.stderr.write(`tl: wrote ${flags.output} (${(bytes / 1e6).toFixed(2)} MB, opset 17)\n`);
      } finally {
        model.dispose();
      }
    });
}
