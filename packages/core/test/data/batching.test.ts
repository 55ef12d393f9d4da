import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createEngine } from '../../src/engine/create-engine.js';
import { BatchSampler } from '../../src/data/batching/batch-sampler.js';
import { SeededRandom } from '../../src/data/random/seeded-random.js';
import { PaddingCollator } from '../../src/data/collate/padding-collator.js';
import { disposeBatch } from '../../src/data/collate/collator.js';

beforeAll(async () => {
  await createEngine({ backend: 'cpu' });
});

describe('SeededRandom', () => {
  it('is deterministic and resumable from its state', () => {
    const a = new SeededRandom(42);
    const first = [a.next(), a.next()];
    expect(new SeededRandom(42).next()).toBe(first[0]);
    const state = a.state;
    const next = [a.next(), a.next()];
    const b = new SeededRandom(0);
    b.setState(state);
    expect([b.next(), b.next()]).toEqual(next);
    expect(new SeededRandom(7).shuffle([0, 1, 2, 3, 4, 5, 6, 7]).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('BatchSampler', () => {
  it('shuffles differently each epoch, covers every example once, and replays from a saved state', () => {
    const s = new BatchSampler({ size: 10, batchSize: 3, shuffle: true, seed: 1 });
    expect(s.length).toBe(4);
    const e0 = s.epochBatches().map((b) => [...b]);
    expect(e0.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    s.nextEpoch();
    const e1 = s.epochBatches().map((b) => [...b]);
    expect(e1).not.toEqual(e0);
    s.advance(2);
    const saved = s.stateDict();
    s.nextEpoch();
    const e2 = s.epochBatches().map((b) => [...b]);

    const r = new BatchSampler({ size: 10, batchSize: 3, shuffle: true, seed: 1 });
    r.loadStateDict(saved);
    expect(r.epoch).toBe(1);
    expect(r.position).toBe(2);
    expect(r.epochBatches()).toEqual(e1);
    r.nextEpoch();
    expect(r.epochBatches()).toEqual(e2);
    // same seed, fresh sampler: same first epoch
    expect(new BatchSampler({ size: 10, batchSize: 3, shuffle: true, seed: 1 }).epochBatches()).toEqual(e0);
  });

  it('keeps file order without shuffle and can drop a short last batch', () => {
    const s = new BatchSampler({ size: 5, batchSize: 2, shuffle: false, seed: 1, dropLast: true });
    expect(s.epochBatches()).toEqual([[0, 1], [2, 3]]);
  });

  it('groups by length: batches of similar lengths, the longest example first', () => {
    const lengths = Array.from({ length: 400 }, (_, i) => (i * 37) % 400);
    const s = new BatchSampler({ size: 400, batchSize: 4, shuffle: true, seed: 3, lengths });
    const batches = s.epochBatches();
    expect(batches[0]![0]).toBe(lengths.indexOf(399));
    // padding waste is far below that of a random order
    const waste = (bs: readonly (readonly number[])[]) => bs.reduce((w, b) => w + b.reduce((x, i) => x + Math.max(...b.map((j) => lengths[j]!)) - lengths[i]!, 0), 0);
    const random = new BatchSampler({ size: 400, batchSize: 4, shuffle: true, seed: 3 });
    expect(waste(batches)).toBeLessThan(waste(random.epochBatches()) / 4);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 400 }, (_, i) => i));
  });
});

describe('PaddingCollator', () => {
  it('pads each batch to its own longest example (dynamic padding) and caches encodings', () => {
    let calls = 0;
    const c = new PaddingCollator({
      padTokenId: 9,
      encode: (t) => {
        calls++;
        const ids = t.split(' ').map((w) => w.length);
        return { inputIds: ids, tokenTypeIds: ids.map(() => 0) };
      },
    });
    const ex = [{ text: 'aa b', label: 1 }, { text: 'ccc', label: 0 }];
    const before = tf.memory().numTensors;
    const b = c.collate(ex);
    expect(b.inputs.inputIds.shape).toEqual([2, 2]);
    expect(b.inputs.inputIds.arraySync()).toEqual([[2, 1], [3, 9]]);
    expect(b.inputs.attentionMask.arraySync()).toEqual([[1, 1], [1, 0]]);
    expect(b.labels.dtype).toBe('int32');
    expect([...b.labels.dataSync()]).toEqual([1, 0]);
    disposeBatch(b);
    expect(tf.memory().numTensors).toBe(before);
    const short = c.collate([ex[1]!]);
    expect(short.inputs.inputIds.shape).toEqual([1, 1]);
    disposeBatch(short);
    expect(calls).toBe(2);
    expect(c.lengthOf(ex[0]!)).toBe(2);
  });

  it('pads on the left when the tokenizer does', () => {
    const c = new PaddingCollator({ padTokenId: 0, paddingSide: 'left', encode: (t) => ({ inputIds: [...t].map(() => 5) }) });
    const b = c.collate([{ text: 'ab', label: 0 }, { text: 'abcd', label: 1 }]);
    expect(b.inputs.inputIds.arraySync()).toEqual([[0, 0, 5, 5], [5, 5, 5, 5]]);
    expect(b.inputs.attentionMask.arraySync()).toEqual([[0, 0, 1, 1], [1, 1, 1, 1]]);
    disposeBatch(b);
  });

  it('rounds the padded length up to a multiple when asked', () => {
    const c = new PaddingCollator({ padTokenId: 0, padToMultipleOf: 8, encode: (t) => ({ inputIds: [...t].map(() => 1) }) });
    const b = c.collate([{ text: 'abc', label: 0 }]);
    expect(b.inputs.inputIds.shape).toEqual([1, 8]);
    expect(b.inputs.tokenTypeIds).toBeUndefined();
    disposeBatch(b);
  });
});
