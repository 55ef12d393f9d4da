import { createEngine, TlError, type Engine } from '@tl/core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportError } from '../src/runtime/errors.js';

/** What `tl` prints for a failure: one line, no stack unless --verbose. */
function printed(error: unknown, verbose = false): string {
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    reportError(error, verbose);
    return write.mock.calls.map((c) => String(c[0])).join('');
  } finally {
    write.mockRestore();
  }
}

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ backend: 'wasm', backendOptions: { threads: 1 } });
});
afterEach(() => vi.restoreAllMocks());

describe('tl error lines', () => {
  it('a TlError prints its message alone', () => {
    expect(printed(new TlError('INPUT', 'train.jsonl:3: not JSON'))).toBe('tl: error: train.jsonl:3: not JSON\n');
  });

  it('anything else says it is unexpected and how to see more', () => {
    expect(printed(new Error('boom'))).toBe('tl: error: unexpected error: boom (run with --verbose for details)\n');
    expect(printed(new Error('boom'), true)).toMatch(/^tl: error: unexpected error: boom .*\nError: boom\n\s+at /);
  });

  it("the wasm backend's heap overflow (a 4.8 GiB product) is named as running out of memory", () => {
    let raw: unknown;
    try {
      const { tf } = engine;
      tf.tidy(() => tf.matMul(tf.ones([36000, 1]), tf.ones([1, 36000]))).dispose();
    } catch (e) {
      raw = e;
    }
    const line = printed(raw);
    expect(line).toMatch(/^tl: error: the wasm backend most likely ran out of memory \(.+\): its heap had grown to [\d.]+ GiB, and WebAssembly's limit is 4\.0 GiB\. Lower the batch size/);
    expect(line).not.toMatch(/unexpected error/);
    expect(line.split('\n')).toHaveLength(2); // one line
  });
});
