import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import { TlError } from '../../src/errors/tl-error.js';
import { encodeSafetensors } from '../../src/io/safetensors/encode.js';
import { parseSafetensors } from '../../src/io/safetensors/parse.js';
import { fromUrl } from '../../src/pretrained/from-url.js';
import { encodeBatch } from '../../src/tokenization/encode-batch.js';
import { toEncodedBatch } from '../../src/tokenization/to-encoded-batch.js';
import { TextTokenizer } from '../../src/tokenization/text-tokenizer.js';
import * as browserTokenizerFiles from '../../src/tokenization/tokenizer-files.browser.js';
import * as browserCheckpoint from '../../src/training/checkpoint/trainer-checkpoint.browser.js';
import { fixtureDir, PAIR_TEXTS, readReference, TEXTS } from '../tokenization/hf-tiny.js';

/**
 * Loading an HF folder over HTTP (what the browser entry offers instead of local folders), run in
 * Node against a loopback server: the fixture as saved, and the same weights re-saved as two shards.
 */
const served = new Map<string, Uint8Array>();
let server: Server;
let base: string;

function serveFolder(prefix: string, dir: string, skip: (name: string) => boolean = () => false): void {
  for (const name of readdirSync(dir)) if (!skip(name)) served.set(`${prefix}${name}`, readFileSync(join(dir, name)));
}

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
  const bertCls = fixtureDir('bert-cls');
  serveFolder('/bert-cls/', bertCls);
  // The same checkpoint sharded as transformers does (index + shards), and one with no weights at all.
  serveFolder('/sharded/', bertCls, (name) => name === 'model.safetensors');
  const tensors = [...parseSafetensors(readFileSync(join(bertCls, 'model.safetensors')), 'fixture').tensors.values()];
  const half = Math.ceil(tensors.length / 2);
  const shards = [tensors.slice(0, half), tensors.slice(half)].map((part, i) => ({
    file: `model-0000${i + 1}-of-00002.safetensors`,
    part,
  }));
  const weightMap: Record<string, string> = {};
  for (const { file, part } of shards) {
    served.set(`/sharded/${file}`, encodeSafetensors(part.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, data: t.bytes }))));
    for (const t of part) weightMap[t.name] = file;
  }
  served.set('/sharded/model.safetensors.index.json', new TextEncoder().encode(JSON.stringify({ metadata: {}, weight_map: weightMap })));
  serveFolder('/no-weights/', bertCls, (name) => name.endsWith('.safetensors'));

  server = createServer((req, res) => {
    const body = served.get(new URL(req.url!, 'http://x').pathname);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.byteLength }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

/** Logits of the fixture's three pairs, tokenized by the loaded tokenizer. */
function logitsOf(model: Awaited<ReturnType<typeof fromUrl>>['model'], tokenizer: TextTokenizer): number[] {
  const inputs = TEXTS.map((text, i) => ({ text, textPair: PAIR_TEXTS[i] }));
  const batch = toEncodedBatch(encodeBatch(tokenizer, inputs, { maxLength: 56, padding: 'longest' }), tokenizer.modelInputNames);
  const logits = model.forward(batch).logits!;
  const values = Array.from(logits.dataSync());
  tf.dispose([logits, ...Object.values(batch).filter((t): t is tf.Tensor => t instanceof tf.Tensor)]);
  return values;
}

describe('fromUrl: an HF folder over HTTP', () => {
  const ref = readReference('bert-cls') as ReturnType<typeof readReference> & { logits: { data: number[] } };

  for (const folder of ['bert-cls', 'sharded']) {
    it(`${folder}: loads model and tokenizer that reproduce HF's logits`, async () => {
      const { model, tokenizer, report, url } = await fromUrl(`${base}/${folder}`);
      expect(url).toBe(`${base}/${folder}/`);
      expect(report.missing).toEqual([]);
      expect(tokenizer.source).toBe(`${base}/${folder}/tokenizer.json`);
      for (const probe of ref.tokenizer_probes) expect(tokenizer.encode(probe.text).ids).toEqual(probe.input_ids);
      logitsOf(model, tokenizer).forEach((v, i) => expect(Math.abs(v - ref.logits.data[i]!)).toBeLessThan(1e-4));
      model.dispose();
    });
  }

  it('names the URL when the folder has no weights, and refuses relative URLs outside a page', async () => {
    await expect(fromUrl(`${base}/no-weights/`)).rejects.toThrow(/no-weights\/: neither model\.safetensors nor model\.safetensors\.index\.json/);
    await expect(fromUrl(`${base}/missing/`)).rejects.toThrow(/missing\/tokenizer\.json|no tokenizer\.json/);
    const relative = fromUrl('./models/bert-cls/');
    await expect(relative).rejects.toBeInstanceOf(TlError);
    await expect(relative).rejects.toThrow(/not a URL \(outside a browser it must be absolute/);
  });
});

describe('browser variants (what bundlers swap in)', () => {
  it('TextTokenizer.fromFolder reads the folder as a URL', async () => {
    const files = await browserTokenizerFiles.readTokenizerFiles(`${base}/bert-cls`);
    expect(files.tokenizerSource).toBe(`${base}/bert-cls/tokenizer.json`);
    expect(files.tokenizerText).toBe(readFileSync(join(fixtureDir('bert-cls'), 'tokenizer.json'), 'utf8'));
    expect(files.configText).toBeDefined();
    const absent = await browserTokenizerFiles.readTokenizerFiles(`${base}/missing/`);
    expect(absent.tokenizerText).toBeUndefined();
  });

  it('Trainer checkpoints refuse with a message that says why', async () => {
    await expect(browserCheckpoint.findLatestCheckpoint('tl-output')).rejects.toThrow(/tl-output: finding the latest Trainer checkpoint needs a file system/);
    await expect(browserCheckpoint.readTrainerCheckpoint('ckpt')).rejects.toMatchObject({ code: 'CHECKPOINT' });
  });
});
