import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { fromPretrained, itemProgress, predict, readRecords, TlError, writeFileAtomic, type SourceRecord } from '@tl/core';

type TextInput = { text: string; textPair?: string };
import { engineFor } from '../runtime/backend.js';
import { positiveInt } from '../runtime/options.js';

interface PredictFlags {
  model: string;
  input: string;
  output?: string;
  maxLength?: number;
  batchSize: number;
  backend: string;
}

/** Input lines are `{"text": ..., "text_pair"?: ...}`; anything else names its line. */
function toInput(record: SourceRecord, source: string): TextInput {
  const { text, text_pair: pair } = record.fields;
  if (typeof text !== 'string') {
    throw new TlError('INPUT', `${source}:${record.line}: "text" must be a string, got ${text === undefined ? 'nothing' : JSON.stringify(text)}`);
  }
  if (pair !== undefined && pair !== null && typeof pair !== 'string') {
    throw new TlError('INPUT', `${source}:${record.line}: "text_pair" must be a string when present`);
  }
  return typeof pair === 'string' ? { text, textPair: pair } : { text };
}

export function predictCommand(): Command {
  return new Command('predict')
    .description('classify texts (or text pairs) from a JSONL file with a sequence-classification model')
    .requiredOption('--model <dir|id>', 'HF model folder or hub id (org/name)')
    .requiredOption('--input <file.jsonl>', 'one {"text": ..., "text_pair"?: ...} object per line')
    .option('--output <file.jsonl>', 'write predictions here instead of stdout')
    .option('--max-length <n>', 'truncate inputs to n tokens (longest_first for pairs)', positiveInt)
    .option('--batch-size <n>', 'inputs per forward pass', positiveInt, 32)
    .option('--backend <name>', 'wasm (default), cpu, webgpu, cuda, torch-cpu', 'wasm')
    .addHelpText('after', '\nOutput: one line per input, same order: {"label", "score", "logits": [...]}')
    .action(async (flags: PredictFlags) => {
      const records = await readRecords(flags.input, 'jsonl');
      const inputs = records.map((r) => toInput(r, flags.input));
      await engineFor(flags.backend);
      const { model, tokenizer } = await fromPretrained(flags.model, { task: 'sequence-classification' });
      if (inputs.length === 0) {
        // No inputs, no output lines (not one blank line): an empty result a pipeline can take, and a
        // note so a user who expected predictions sees why there are none. The model is still loaded
        // above, so a wrong --model fails here too.
        if (flags.output) {
          await mkdir(dirname(flags.output), { recursive: true });
          await writeFileAtomic(flags.output, '');
        }
        process.stderr.write(`tl: note: ${flags.input} holds no records; no predictions written\n`);
        model.dispose();
        return;
      }
      const bar = itemProgress('predict', inputs.length);
      const predictions = await predict(model, tokenizer, inputs, {
        maxLength: flags.maxLength,
        batchSize: flags.batchSize,
        onProgress: (done) => bar.update(done),
      });
      bar.stop();
      const lines = predictions.map((p) => JSON.stringify({ label: p.label, score: p.score, logits: p.logits })).join('\n') + '\n';
      if (flags.output) {
        // Its folder may not exist yet; atomic, so a run that dies midway leaves no partial predictions.
        await mkdir(dirname(flags.output), { recursive: true });
        await writeFileAtomic(flags.output, lines);
      } else process.stdout.write(lines);
      model.dispose();
    });
}
