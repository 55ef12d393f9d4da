import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureDir } from '../support/fixtures.js';
import { copyFixture, expectOneLineError, fixtureInputFile, runTl, tempDir } from '../support/cli.js';

const input = () => fixtureInputFile(false);

describe('bad input gives one clear error line', () => {
  it('truncated safetensors', async () => {
    const dir = copyFixture('bert-cls');
    const file = join(dir, 'model.safetensors');
    truncateSync(file, readFileSync(file).length - 1000);
    await expectOneLineError(['predict', '--model', dir, '--input', input()], /model\.safetensors.*(truncat|past the end|beyond|end of|not inside the data section)/i);
  });

  it('a header length pointing past the end of the file', async () => {
    const dir = copyFixture('bert-cls');
    const file = join(dir, 'model.safetensors');
    const bytes = readFileSync(file);
    new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(0, BigInt(bytes.length * 4), true);
    writeFileSync(file, bytes);
    await expectOneLineError(['predict', '--model', dir, '--input', input()], /model\.safetensors.*header/i);
  });

  it('shapes that disagree with the config, naming the tensor', async () => {
    const dir = copyFixture('bert-cls');
    const cfgPath = join(dir, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
    cfg.vocab_size = 601;
    writeFileSync(cfgPath, JSON.stringify(cfg));
    await expectOneLineError(['predict', '--model', dir, '--input', input()], /bert\.embeddings\.word_embeddings\.weight.*\[600, 32\].*\[601, 32\]/);
  });

  it('an unknown model_type', async () => {
    const dir = copyFixture('bert-cls');
    const cfgPath = join(dir, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
    cfg.model_type = 'gpt9';
    writeFileSync(cfgPath, JSON.stringify(cfg));
    await expectOneLineError(['predict', '--model', dir, '--input', input()], /config\.json.*unknown model_type "gpt9".*bert, roberta, distilbert/);
  });

  it('a missing tokenizer.json', async () => {
    const dir = copyFixture('bert-cls');
    rmSync(join(dir, 'tokenizer.json'));
    await expectOneLineError(['predict', '--model', dir, '--input', input()], /tokenizer\.json/);
  });

  it('a torch pickle instead of safetensors', async () => {
    const dir = copyFixture('bert-cls');
    rmSync(join(dir, 'model.safetensors'));
    writeFileSync(join(dir, 'pytorch_model.bin'), 'not really a pickle');
    await expectOneLineError(['predict', '--model', dir, '--input', input()], /pytorch_model\.bin.*safetensors/);
  });

  it('a malformed JSONL line names the file and the line', async () => {
    const file = join(tempDir(), 'broken.jsonl');
    writeFileSync(file, '{"text": "fine"}\n{"text": "also fine"}\n{"text": oops}\n');
    await expectOneLineError(['predict', '--model', fixtureDir('bert-cls'), '--input', file], /broken\.jsonl:3/);
  });

  it('a line without text names the file and the line', async () => {
    const file = join(tempDir(), 'notext.jsonl');
    writeFileSync(file, '{"text": "fine"}\n{"label": 1}\n');
    await expectOneLineError(['predict', '--model', fixtureDir('bert-cls'), '--input', file], /notext\.jsonl:2: "text"/);
  });

  describe('tl evaluate', () => {
    const labelled = (name: string, text: string) => {
      const file = join(tempDir(), name);
      writeFileSync(file, text);
      return file;
    };

    it('a label name the model does not know names the file and the line', async () => {
      const file = labelled('names.csv', 'text,label\n"good",LABEL_1\n"bad",pos\n');
      await expectOneLineError(['evaluate', '--model', fixtureDir('bert-cls'), '--data', file], /names\.csv:3: unknown label "pos" \(known: LABEL_0, LABEL_1, LABEL_2\)/);
    });

    it('a class index outside the head names the file and the line', async () => {
      const file = labelled('indices.jsonl', '{"text": "a", "label": 0}\n{"text": "b", "label": 3}\n');
      await expectOneLineError(['evaluate', '--model', fixtureDir('bert-cls'), '--data', file], /indices\.jsonl:2: label 3 is out of range for 3 classes/);
    });

    it('a record without the mapped text field names the file, the line and the fields', async () => {
      const file = labelled('fields.jsonl', '{"sentence": "a", "label": 0}\n');
      await expectOneLineError(['evaluate', '--model', fixtureDir('bert-cls'), '--data', file], /fields\.jsonl:1: missing field "text" \(fields: sentence, label\)/);
    });

    it('a model without a classification head', async () => {
      const file = labelled('ok.jsonl', '{"text": "a", "label": 0}\n');
      await expectOneLineError(['evaluate', '--model', fixtureDir('bert-mlm'), '--data', file], /bert-mlm.config\.json: .*BertForMaskedLM.* not a sequence classifier/);
    });

    it('a classifier whose head the checkpoint lacks', async () => {
      const dir = copyFixture('bert-mlm');
      const cfgPath = join(dir, 'config.json');
      writeFileSync(cfgPath, JSON.stringify({ ...JSON.parse(readFileSync(cfgPath, 'utf8')), architectures: ['BertForSequenceClassification'] }));
      const file = labelled('ok.jsonl', '{"text": "a", "label": 0}\n');
      await expectOneLineError(['evaluate', '--model', dir, '--data', file], /lacks .*classifier\.weight/);
    });

    it('a missing data file', async () => {
      await expectOneLineError(['evaluate', '--model', fixtureDir('bert-cls'), '--data', join(tempDir(), 'gone.jsonl')], /gone\.jsonl/);
    });
  });

  it('--verbose adds the stack trace', async () => {
    const dir = copyFixture('bert-cls');
    rmSync(join(dir, 'tokenizer.json'));
    const r = await runTl(['--verbose', 'predict', '--model', dir, '--input', input()]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tl: error: /);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
