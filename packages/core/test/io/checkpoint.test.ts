import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlError } from '../../src/errors/tl-error.js';
import { readCheckpointFolder } from '../../src/io/checkpoint/read-checkpoint.js';
import { writeCheckpointFolder } from '../../src/io/checkpoint/write-checkpoint.js';
import { writeFileAtomic } from '../../src/io/fs/atomic-write.js';
import { toFloat32 } from '../../src/io/safetensors/convert.js';
import { encodeSafetensors } from '../../src/io/safetensors/encode.js';
import { FIXTURE_MODELS, HF_TINY, referenceShapes } from './fixtures.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tl-checkpoint-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function folderWith(name: string, files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = join(scratch, name);
  await mkdir(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<TlError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TlError);
  return error as TlError;
}

const tinyWeights = encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }]);

describe('readCheckpointFolder', () => {
  it.each(FIXTURE_MODELS)('reads the %s fixture folder', async (model) => {
    const folder = await readCheckpointFolder(join(HF_TINY, model), { requireTokenizer: true });
    expect(folder.config['model_type']).toBe(model.split('-')[0]);
    expect(new Map([...folder.weights].map(([n, t]) => [n, [...t.shape]]))).toEqual(referenceShapes(model));
    expect(folder.tokenizerJson?.['model']).toBeDefined();
    expect(folder.tokenizerConfig).toBeDefined();
  });

  it('reads a sharded checkpoint through model.safetensors.index.json', async () => {
    const source = await readCheckpointFolder(join(HF_TINY, 'bert-cls'));
    const names = [...source.weights.keys()];
    const shardOf = (i: number): string => (i % 2 === 0 ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors');
    const shards = [0, 1].map((s) =>
      encodeSafetensors(
        names
          .filter((_, i) => i % 2 === s)
          .map((name) => {
            const t = source.weights.get(name)!;
            return { name, dtype: t.dtype, shape: t.shape, data: t.bytes };
          }),
      ),
    );
    const index = { metadata: { total_size: 0 }, weight_map: Object.fromEntries(names.map((n, i) => [n, shardOf(i)])) };
    const dir = await folderWith('sharded', {
      'config.json': JSON.stringify(source.config),
      'model.safetensors.index.json': JSON.stringify(index),
      [shardOf(0)]: shards[0]!,
      [shardOf(1)]: shards[1]!,
    });
    const folder = await readCheckpointFolder(dir);
    expect([...folder.weights.keys()].sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(Buffer.from(folder.weights.get(name)!.bytes).equals(source.weights.get(name)!.bytes)).toBe(true);
    }
    expect(folder.tokenizerJson).toBeUndefined();

    // An index naming a tensor its shard lacks, or a shard outside the folder, is refused.
    const lying = { weight_map: { ...index.weight_map, ghost: shardOf(0) } };
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify(lying));
    expect((await rejection(readCheckpointFolder(dir))).message).toMatch(
      /model\.safetensors\.index\.json: weight_map puts tensor "ghost" in model-00001-of-00002\.safetensors, which does not contain it/,
    );
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { w: '../secret.safetensors' } }));
    expect((await rejection(readCheckpointFolder(dir))).message).toMatch(/tensor "w" maps to "\.\.\/secret\.safetensors", not a \.safetensors file name/);
  });

  it('refuses pickled weights and explains how to convert', async () => {
    const dir = await folderWith('pickle', { 'config.json': '{}', 'pytorch_model.bin': 'PK\u0003\u0004' });
    const error = await rejection(readCheckpointFolder(dir));
    expect(error.code).toBe('CHECKPOINT');
    expect(error.message).toMatch(/found only pytorch_model\.bin, and tl reads weights from safetensors only/);
    expect(error.message).toMatch(/save_pretrained\(".*", safe_serialization=True\)/);
  });

  it('reports a folder without weights', async () => {
    const dir = await folderWith('no-weights', { 'config.json': '{}' });
    expect((await rejection(readCheckpointFolder(dir))).message).toMatch(/no model\.safetensors or model\.safetensors\.index\.json/);
  });

  it('reports a missing folder and a missing config.json', async () => {
    const missing = await rejection(readCheckpointFolder(join(scratch, 'nope')));
    expect(missing.code).toBe('CHECKPOINT');
    expect(missing.message).toMatch(/nope: no such checkpoint folder/);
    const dir = await folderWith('no-config', { 'model.safetensors': tinyWeights });
    const error = await rejection(readCheckpointFolder(dir));
    expect(error.code).toBe('CONFIG');
    expect(error.message).toMatch(/no-config\/config\.json: missing/);
  });

  it('names the file and the line/column of invalid JSON', async () => {
    const dir = await folderWith('bad-config', { 'config.json': '{\n  "hidden_size": 32,\n  "vocab_size": ,\n}', 'model.safetensors': tinyWeights });
    const error = await rejection(readCheckpointFolder(dir));
    expect(error.code).toBe('CONFIG');
    expect(error.message).toMatch(/bad-config\/config\.json: invalid JSON at line 3, column 17 \(position 39\): value expected$/);

    await writeFile(join(dir, 'config.json'), '[1]');
    expect((await rejection(readCheckpointFolder(dir))).message).toMatch(/config\.json: expected a JSON object at the top level, found an array/);

    await writeFile(join(dir, 'config.json'), '{}');
    await writeFile(join(dir, 'tokenizer.json'), '{"model": }');
    const tok = await rejection(readCheckpointFolder(dir));
    expect(tok.code).toBe('TOKENIZER');
    expect(tok.message).toMatch(/tokenizer\.json: invalid JSON at line 1, column 11/);
  });

  it('requires tokenizer.json only when asked', async () => {
    const dir = await folderWith('no-tokenizer', { 'config.json': '{}', 'model.safetensors': tinyWeights });
    await expect(readCheckpointFolder(dir)).resolves.toMatchObject({ config: {} });
    const error = await rejection(readCheckpointFolder(dir, { requireTokenizer: true }));
    expect(error.code).toBe('TOKENIZER');
    expect(error.message).toMatch(/no-tokenizer\/tokenizer\.json: missing/);
  });
});

describe('writeCheckpointFolder', () => {
  it('writes a folder that reads back identically, creating the directory', async () => {
    const source = await readCheckpointFolder(join(HF_TINY, 'roberta-cls'));
    const dir = join(scratch, 'written', 'nested');
    await writeCheckpointFolder(dir, {
      config: source.config,
      tensors: [...source.weights.values()].map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, data: toFloat32(t) })),
      tokenizerJson: source.tokenizerJson,
      tokenizerConfig: source.tokenizerConfig,
      extraFiles: { 'special_tokens_map.json': '{}\n' },
    });
    expect((await readdir(dir)).sort()).toEqual(
      ['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json'],
    );
    const back = await readCheckpointFolder(dir, { requireTokenizer: true });
    expect(back.config).toEqual(source.config);
    expect(back.tokenizerJson).toEqual(source.tokenizerJson);
    // Same tensors, same order and bytes as transformers wrote them.
    const written = await readFile(join(dir, 'model.safetensors'));
    expect(written.equals(await readFile(join(HF_TINY, 'roberta-cls', 'model.safetensors')))).toBe(true);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(`${JSON.stringify(source.config, null, 2)}\n`);
  });

  it('validates everything before writing anything', async () => {
    const dir = join(scratch, 'never-written');
    const error = await rejection(
      writeCheckpointFolder(dir, { config: {}, tensors: [{ name: 'w', dtype: 'F32', shape: [3], data: new Float32Array(2) }] }),
    );
    expect(error.code).toBe('SAFETENSORS');
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
    await expect(writeCheckpointFolder(dir, { config: {}, tensors: [], extraFiles: { '../x': 'no' } })).rejects.toThrow(/must be a bare file name/);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const dir = await folderWith('atomic', {});
    const path = join(dir, 'f.json');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, new Uint8Array([104, 105]));
    expect(await readFile(path, 'utf8')).toBe('hi');
    expect(await readdir(dir)).toEqual(['f.json']);
  });

  it('fails cleanly when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(scratch, 'absent', 'f'), 'x')).rejects.toThrow(/ENOENT/);
  });
});
