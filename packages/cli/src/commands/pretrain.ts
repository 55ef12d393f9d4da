import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import {
  buildModel,
  fromPretrained,
  MaskedLmCollator,
  packSequences,
  parseJsonObject,
  stepThroughput,
  resolvePretrained,
  savePretrained,
  TextTokenizer,
  TlError,
  Trainer,
  trainWordPieceTokenizer,
  wordBoundaryOf,
  type EncoderModel,
  type Example,
} from '@tl/core';
import { engineFor } from '../runtime/backend.js';
import { readCorpus } from '../runtime/corpus.js';
import { positiveInt, rate } from '../runtime/options.js';
import {
  addTrainerOptions,
  resumeFrom,
  trainerCallbacks,
  trainingArgsFromFlags,
  type TrainerFlags,
} from '../runtime/trainer-flags.js';

interface PretrainFlags extends TrainerFlags {
  config?: string;
  model?: string;
  corpus: string[];
  eval?: string[];
  pack?: boolean;
  textField?: string;
  tokenizer?: string;
  vocabSize?: number;
  minFrequency: number;
  cased?: boolean;
  maxLength?: number;
  mlmProbability: number;
  wholeWordMask?: boolean;
}

interface TokenizerFiles {
  readonly tokenizerJson: unknown;
  readonly tokenizerConfig?: unknown;
}

/** Position ids of RoBERTa start after the padding index, so two positions are never usable. */
function usablePositions(config: Readonly<Record<string, unknown>>): number {
  const positions = Number(config['max_position_embeddings'] ?? 512);
  return config['model_type'] === 'roberta' ? positions - 2 : positions;
}

/** The tokenizer: read from --tokenizer, from --model, or trained on the corpus. */
async function tokenizerFor(flags: PretrainFlags, texts: readonly string[], config: Readonly<Record<string, unknown>>, maxLength: number, modelDir?: string) {
  const dir = flags.tokenizer ?? modelDir;
  if (dir !== undefined) {
    const tokenizer = await TextTokenizer.fromFolder(dir);
    return { tokenizer, files: tokenizer.files, fromDir: dir };
  }
  const vocabSize = flags.vocabSize ?? Number(config['vocab_size']);
  if (!Number.isInteger(vocabSize)) throw new TlError('CONFIG', `${flags.config}: no integer vocab_size; pass --vocab-size`);
  const files = trainWordPieceTokenizer(texts, {
    vocabSize,
    minFrequency: flags.minFrequency,
    lowercase: !flags.cased,
    modelMaxLength: maxLength,
  });
  if (config['model_type'] === 'distilbert') files.tokenizerConfig['model_input_names'] = ['input_ids', 'attention_mask'];
  const tokenizer = TextTokenizer.fromObjects(files.tokenizerJson, files.tokenizerConfig, { tokenizerSource: 'trained tokenizer.json' });
  process.stderr.write(`tl: trained a WordPiece tokenizer on ${texts.length} texts: ${tokenizer.vocabSize} tokens\n`);
  return { tokenizer, files: files as TokenizerFiles, fromDir: undefined };
}

/** A new masked-LM model from --config (vocabulary and pad id taken from the tokenizer), or --model's weights. */
async function modelFor(flags: PretrainFlags, config: Record<string, unknown>, tokenizer: TextTokenizer, modelDir?: string): Promise<EncoderModel> {
  if (modelDir !== undefined) {
    const { model } = await fromPretrained(modelDir, { task: 'masked-lm', dropout: flags.dropout, seed: flags.seed });
    return model;
  }
  const declared = config['vocab_size'];
  if (declared !== undefined && declared !== tokenizer.vocabSize) {
    process.stderr.write(`tl: note: vocab_size ${String(declared)} of ${flags.config} set to the tokenizer's ${tokenizer.vocabSize}\n`);
  }
  return buildModel(
    { ...config, vocab_size: tokenizer.vocabSize, pad_token_id: tokenizer.specialTokenIds.pad },
    { task: 'masked-lm', seed: flags.seed, ...(flags.dropout !== undefined && { dropout: flags.dropout }) },
    flags.config,
  );
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Texts of every file, in the order given (each file read as `readCorpus` reads one). */
async function readCorpusFiles(paths: readonly string[], textField: string | undefined): Promise<string[]> {
  const texts: string[] = [];
  for (const path of paths) for (const t of await readCorpus(path, { textField })) texts.push(t);
  return texts;
}

export function pretrainCommand(): Command {
  const command = new Command('pretrain')
    .description('masked-LM pretraining (BERT 80/10/10 masking) of an encoder built from an HF config, or further pretraining of a model')
    .addOption(new Option('--config <config.json>', 'HF config of the model to build (model_type bert, roberta, distilbert)').conflicts('model'))
    .option('--model <dir|id>', 'continue pretraining this model instead (domain-adaptive pretraining)')
    .requiredOption('--corpus <file>', 'text, one per line, or JSONL (.jsonl or with --text-field); repeat for a corpus of several files', collect, [])
    .option('--eval <file>', 'held-out text in the same format (repeatable): eval_loss and eval_accuracy over its masked tokens, on fixed masks', collect)
    .option('--pack', 'concatenate the tokenized texts and cut them into blocks of exactly --max-length tokens (HF run_mlm\'s group_texts); default: one text per sequence, truncated')
    .option('--text-field <name>', 'JSONL field holding the text (default: text)')
    .requiredOption('--output-dir <dir>', 'where metrics.jsonl, checkpoints and the model go (an HF *ForMaskedLM folder)')
    .option('--tokenizer <dir>', 'use this folder\'s tokenizer.json instead of training one on the corpus')
    .option('--vocab-size <n>', 'size of the trained WordPiece vocabulary (default: the config\'s vocab_size)', positiveInt)
    .option('--min-frequency <n>', 'merge only pairs seen at least n times when training the tokenizer', positiveInt, 2)
    .option('--cased', 'train a cased tokenizer (default: lower-cased, accents stripped)')
    .option('--max-length <n>', 'truncate texts to n tokens (default: min(128, the model\'s positions))', positiveInt)
    .option('--mlm-probability <x>', 'fraction of tokens to predict', rate, 0.15)
    .option('--whole-word-mask', 'mask whole words (all their WordPiece/BPE tokens) instead of single tokens');
  return addTrainerOptions(command, { lr: 1e-4, batchSize: 32, epochs: 1 })
    .addHelpText('after', '\nWrites <output-dir>/metrics.jsonl and an HF folder (config.json with *ForMaskedLM, model.safetensors,\ntokenizer.json, tokenizer_config.json) that `tl finetune --model` loads.')
    .action(async (flags: PretrainFlags) => {
      if ((flags.config === undefined) === (flags.model === undefined)) throw new TlError('CONFIG', 'tl pretrain: give exactly one of --config (a new model) or --model (continue pretraining)');
      const args = trainingArgsFromFlags(flags, flags.eval !== undefined); // flag conflicts fail before any loading
      await engineFor(flags.backend);
      const modelDir = flags.model !== undefined ? await resolvePretrained(flags.model) : undefined;
      const configPath = flags.config ?? join(modelDir!, 'config.json');
      const config = parseJsonObject(await readFile(configPath, 'utf8').catch((e: Error) => {
        throw new TlError('CONFIG', `${configPath}: cannot read: ${e.message}`, { cause: e });
      }), configPath, 'CONFIG');
      const texts = await readCorpusFiles(flags.corpus, flags.textField);
      const evalTexts = flags.eval ? await readCorpusFiles(flags.eval, flags.textField) : undefined;
      const maxLength = Math.min(flags.maxLength ?? 128, usablePositions(config));

      const { tokenizer, files, fromDir } = await tokenizerFor(flags, texts, config, maxLength, modelDir);
      if (tokenizer.specialTokenIds.mask === undefined) {
        throw new TlError('TOKENIZER', `${tokenizer.source}: no mask_token in tokenizer_config.json: a masked LM needs one`);
      }
      const model = await modelFor(flags, config, tokenizer, modelDir);
      if (fromDir === undefined) {
        // The trained tokenizer goes into the output folder first: checkpoints and the final save use it.
        await mkdir(flags.outputDir, { recursive: true });
        await writeFile(join(flags.outputDir, 'tokenizer.json'), JSON.stringify(files.tokenizerJson));
        await writeFile(join(flags.outputDir, 'tokenizer_config.json'), JSON.stringify(files.tokenizerConfig, null, 2) + '\n');
      }
      const collator = new MaskedLmCollator(tokenizer, {
        maxLength,
        mlmProbability: flags.mlmProbability,
        seed: flags.seed,
        ...(flags.wholeWordMask && { wholeWord: wordBoundaryOf(files.tokenizerJson, tokenizer.source) }),
      });
      const asExamples = async (list: readonly string[], what: string): Promise<Example[]> => {
        if (!flags.pack) return list.map((text) => ({ text, label: 0 }));
        const packed = await packSequences(tokenizer, list, { maxLength });
        if (packed.blocks.length === 0) throw new TlError('INPUT', `${what}: ${packed.tokens} tokens, fewer than one block of --max-length ${maxLength}`);
        process.stderr.write(`tl: packed ${what}: ${list.length} texts, ${packed.tokens} tokens into ${packed.blocks.length} blocks of ${maxLength} (${packed.dropped} left over)\n`);
        return packed.blocks;
      };
      const train = await asExamples(texts, flags.corpus.join(', '));
      const heldout = evalTexts && (await asExamples(evalTexts, flags.eval!.join(', ')));
      const samplesPerStep = flags.batchSize * flags.gradAccum;
      const callbacks = trainerCallbacks(flags, [stepThroughput({ samplesPerStep, ...(flags.pack && { tokensPerStep: samplesPerStep * maxLength }) })]);
      const trainer = new Trainer({
        model,
        collator,
        args,
        callbacks,
        tokenizerFiles: files,
      });
      const result = await trainer.fit(train, heldout, { resumeFrom: resumeFrom(flags) });
      await savePretrained(flags.outputDir, model, fromDir === undefined ? {} : { tokenizerFrom: fromDir });
      const evalLoss = result.metrics['eval_loss'];
      const evalAccuracy = result.metrics['eval_accuracy'];
      process.stderr.write(
        `tl: pretrained ${result.steps} steps, final loss ${result.finalLoss.toFixed(4)}` +
          `${evalLoss !== undefined ? `, eval loss ${evalLoss.toFixed(4)}` : ''}${evalAccuracy !== undefined ? `, eval masked-token accuracy ${(100 * evalAccuracy).toFixed(1)}%` : ''}${result.stopReason ? ` (${result.stopReason})` : ''}; model saved in ${flags.outputDir}\n`,
      );
      trainer.dispose();
      model.dispose();
    });
}
