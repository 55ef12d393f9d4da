import { Worker } from 'node:worker_threads';
import { GEMM_SCRATCH_BYTES, SHARED_MEMORY_MAX_PAGES, SIMD_KERNELS_SHARED_WASM_BASE64 } from './simd-kernels.generated.js';
import { decodeBase64 } from './simd-module.js';
import { TlError } from '../../../../errors/tl-error.js';

/**
 * tl's SIMD GEMM split across worker threads (Node).
 *
 * Why copies: tfjs-backend-wasm runs its single-threaded build in Node, whose heap is an ordinary
 * (unshared) WebAssembly.Memory that no other thread can read. Each worker therefore owns a
 * *shared* memory with the same GEMM module instantiated over it; the calling thread copies the
 * worker's operands in, computes its own share in place on tfjs's heap, and copies the worker's
 * rows (or columns, or batch matrices) of C back. The copies are O(m·k + k·n + m·n) against the
 * product's O(m·n·k); the split is chosen to copy the least.
 *
 * Why Atomics and not messages: a kernel is synchronous (tfjs calls it and expects its output), so
 * the calling thread blocks in `Atomics.wait` (allowed in Node's main thread) until its workers
 * flag completion; a postMessage round trip would need the event loop, which a kernel cannot yield
 * to. A worker idles in `Atomics.wait` on its control word.
 *
 * Every output element is computed by the same depth loop in the same order whatever the split,
 * so results are bitwise those of the single-threaded GEMM (a test checks it).
 */

/** C[o] = A[aIndex[o]]·B[bIndex[o]] for o < count; operands are heap byte offsets of matrix 0. */
export interface GemmBatch {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** A(i,p) at a + 4·(i·rsA + p·csA): (k, 1) row-major, or (1, m) transposed. */
  readonly rsA: number;
  readonly csA: number;
  readonly count: number;
  /** Matrix index of A and of B for each output matrix (broadcast batch dimensions). */
  readonly aIndex: ArrayLike<number>;
  readonly bIndex: ArrayLike<number>;
}

type Gemm = (a: number, b: number, c: number, m: number, n: number, k: number,
  rsA: number, csA: number, ldb: number, ldc: number, accumulate: number) => void;

// Control words (Int32): [state, a, b, c, m, n, k, rsA, csA, ldb, ldc, count, aStep, bStep, cStep, scratch]
const IDLE = 0;
const RUN = 1;
const EXIT = 2;
const FAILED = 3;
const CONTROL_WORDS = 16;

/**
 * The worker's whole program (CommonJS, run with `eval`): it needs nothing but the compiled module
 * and its memory, so it is a string rather than a file that would have to be found beside dist/
 * (and beside src/ under the test runner).
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control } = workerData;
const ctl = new Int32Array(control);
const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports;
parentPort.postMessage('ready');
for (;;) {
  Atomics.wait(ctl, 0, ${IDLE});
  const state = Atomics.load(ctl, 0);
  if (state === ${EXIT}) break;
  if (state !== ${RUN}) continue;
  try {
    const [, a, b, c, m, n, k, rsA, csA, ldb, ldc, count, aStep, bStep, cStep, scratch] = ctl;
    for (let o = 0; o < count; o++) gemm(a + o * aStep, b + o * bStep, c + o * cStep, m, n, k, rsA, csA, ldb, ldc, 0, scratch);
    Atomics.store(ctl, 0, ${IDLE});
  } catch (e) {
    Atomics.store(ctl, 0, ${FAILED});
  }
  Atomics.notify(ctl, 0);
}
`;

interface WorkerSlot {
  readonly worker: { terminate(): Promise<number>; unref(): void };
  readonly control: Int32Array;
  readonly memory: WebAssembly.Memory;
  /** Where the worker's operands go this job (byte offsets in its memory). */
  next: number;
}

/** A worker given a share of the job, and how to bring its share of C back. */
interface Started {
  readonly slot: WorkerSlot;
  readonly copyBack: () => void;
}

/** Products smaller than this many multiply-adds run on the calling thread (waking a worker costs ~50 µs). */
const MIN_PARALLEL_MACS = 1 << 22;

const align16 = (x: number): number => (x + 15) & ~15;

export class GemmThreads {
  private constructor(private readonly slots: WorkerSlot[]) {}

  /** Threads in all, the calling one included. */
  get threads(): number {
    return this.slots.length + 1;
  }

  /** Starts `threads - 1` workers (Node only: browser bundles leave this module out); undefined for one thread. */
  static async start(threads: number): Promise<GemmThreads | undefined> {
    if (threads < 2) return undefined;
    const module = new WebAssembly.Module(decodeBase64(SIMD_KERNELS_SHARED_WASM_BASE64) as Uint8Array<ArrayBuffer>);
    const slots = await Promise.all(
      Array.from({ length: threads - 1 }, async (): Promise<WorkerSlot> => {
        const memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MEMORY_MAX_PAGES, shared: true });
        const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control: control.buffer } });
        await new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        });
        // Idle workers must not keep the process alive.
        worker.unref();
        return { worker, control, memory, next: 0 };
      }),
    );
    return new GemmThreads(slots);
  }

  async dispose(): Promise<void> {
    for (const s of this.slots) {
      Atomics.store(s.control, 0, EXIT);
      Atomics.notify(s.control, 0);
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /**
   * Runs the batch on this thread (`gemm`, over tfjs's heap `heap`) and the workers. Returns false,
   * having done nothing, when the batch is too small to be worth splitting.
   */
  run(gemm: Gemm, heap: () => Float32Array, job: GemmBatch): boolean {
    const { m, n, k, count } = job;
    if (m * n * k * count < MIN_PARALLEL_MACS) return false;
    const parts = this.threads;
    if (count >= parts) this.splitBatches(gemm, heap, job);
    else for (let o = 0; o < count; o++) this.splitOne(gemm, heap, job, o);
    return true;
  }

  /** Whole output matrices per thread: this thread takes the first range, in place. */
  private splitBatches(gemm: Gemm, heap: () => Float32Array, job: GemmBatch): void {
    const { m, n, k, count } = job;
    const aMat = m * k;
    const bMat = k * n;
    const cMat = m * n;
    const ranges = splitRange(count, this.threads, 1);
    const h = heap();
    const started: Started[] = [];
    ranges.slice(1).forEach(([lo, hi], w) => {
      const slot = this.slots[w]!;
      const len = hi - lo;
      const aOff = this.reserve(slot, len * aMat, true);
      const bOff = this.reserve(slot, len * bMat);
      const cOff = this.reserve(slot, len * cMat);
      const mem = new Float32Array(slot.memory.buffer);
      for (let o = lo; o < hi; o++) {
        const a = job.a / 4 + job.aIndex[o]! * aMat;
        const b = job.b / 4 + job.bIndex[o]! * bMat;
        mem.set(h.subarray(a, a + aMat), aOff / 4 + (o - lo) * aMat);
        mem.set(h.subarray(b, b + bMat), bOff / 4 + (o - lo) * bMat);
      }
      this.post(slot, [aOff, bOff, cOff, m, n, k, job.rsA, job.csA, n, n, len, aMat * 4, bMat * 4, cMat * 4]);
      started.push({ slot, copyBack: () => heap().set(new Float32Array(slot.memory.buffer, cOff, len * cMat), job.c / 4 + lo * cMat) });
    });
    const [, mainHi] = ranges[0]!;
    for (let o = 0; o < mainHi; o++) {
      gemm(job.a + job.aIndex[o]! * aMat * 4, job.b + job.bIndex[o]! * bMat * 4, job.c + o * cMat * 4, m, n, k, job.rsA, job.csA, n, n, 0);
    }
    this.finish(started);
  }

  /** One product split by rows of C or by 8-wide column panels, whichever copies less. */
  private splitOne(gemm: Gemm, heap: () => Float32Array, job: GemmBatch, o: number): void {
    const { m, n, k, rsA, csA } = job;
    const parts = this.threads;
    const a = job.a + job.aIndex[o]! * m * k * 4;
    const b = job.b + job.bIndex[o]! * k * n * 4;
    const c = job.c + o * m * n * 4;
    const workerShare = (parts - 1) / parts;
    const copyByRows = workerShare * (m * k + m * n) + (parts - 1) * k * n;
    const copyByCols = workerShare * (k * n + m * n) + (parts - 1) * m * k;
    const byRows = n < 8 * parts || copyByRows <= copyByCols;
    const ranges = byRows ? splitRange(m, parts, 1) : splitRange(n, parts, 8);
    const h = heap();
    const started: Started[] = [];
    ranges.slice(1).forEach(([lo, hi], w) => {
      if (hi <= lo) return;
      const slot = this.slots[w]!;
      const len = hi - lo;
      const mem = () => new Float32Array(slot.memory.buffer);
      if (byRows) {
        const aOff = this.reserve(slot, len * k, true);
        const bOff = this.reserve(slot, k * n);
        const cOff = this.reserve(slot, len * n);
        const dst = mem();
        if (csA === 1) {
          // Row-major A: rows lo..hi, each k long at stride rsA.
          for (let i = lo; i < hi; i++) dst.set(h.subarray(a / 4 + i * rsA, a / 4 + i * rsA + k), aOff / 4 + (i - lo) * k);
        } else {
          // Transposed A (rsA = 1): for each depth p, the run of rows lo..hi.
          for (let p = 0; p < k; p++) dst.set(h.subarray(a / 4 + p * csA + lo, a / 4 + p * csA + hi), aOff / 4 + p * len);
        }
        dst.set(h.subarray(b / 4, b / 4 + k * n), bOff / 4);
        const [rs, cs] = csA === 1 ? [k, 1] : [1, len];
        this.post(slot, [aOff, bOff, cOff, len, n, k, rs, cs, n, n, 1, 0, 0, 0]);
        started.push({ slot, copyBack: () => heap().set(new Float32Array(slot.memory.buffer, cOff, len * n), c / 4 + lo * n) });
      } else {
        const aOff = this.reserve(slot, m * k, true);
        const bOff = this.reserve(slot, k * len);
        const cOff = this.reserve(slot, m * len);
        const dst = mem();
        // A whole (contiguous m·k floats in either layout), B's columns lo..hi.
        dst.set(h.subarray(a / 4, a / 4 + m * k), aOff / 4);
        for (let p = 0; p < k; p++) dst.set(h.subarray(b / 4 + p * n + lo, b / 4 + p * n + hi), bOff / 4 + p * len);
        this.post(slot, [aOff, bOff, cOff, m, len, k, rsA, csA, len, len, 1, 0, 0, 0]);
        started.push({
          slot,
          copyBack: () => {
            const out = heap();
            const done = new Float32Array(slot.memory.buffer, cOff, m * len);
            for (let i = 0; i < m; i++) out.set(done.subarray(i * len, (i + 1) * len), c / 4 + i * n + lo);
          },
        });
      }
    });
    const [, mainHi] = ranges[0]!;
    if (byRows) gemm(a, b, c, mainHi, n, k, rsA, csA, n, n, 0);
    else gemm(a, b, c, m, mainHi, k, rsA, csA, n, n, 0);
    this.finish(started);
  }

  /** Room for `floats` in the worker's memory (after its packing scratch), growing it if needed. */
  private reserve(slot: WorkerSlot, floats: number, first = false): number {
    if (first) slot.next = align16(GEMM_SCRATCH_BYTES);
    const off = slot.next;
    slot.next = align16(off + floats * 4);
    const have = slot.memory.buffer.byteLength;
    if (slot.next > have) slot.memory.grow(Math.ceil((slot.next - have) / 65536));
    return off;
  }

  private post(slot: WorkerSlot, args: readonly number[]): void {
    const ctl = slot.control;
    for (let i = 0; i < args.length; i++) ctl[i + 1] = args[i]!;
    ctl[15] = 0; // scratch at the start of the worker's memory
    Atomics.store(ctl, 0, RUN);
    Atomics.notify(ctl, 0);
  }

  /** Waits for every started worker, then copies each one's share of C back. */
  private finish(started: readonly Started[]): void {
    let failed = false;
    for (const { slot } of started) {
      const ctl = slot.control;
      let state: number;
      while ((state = Atomics.load(ctl, 0)) === RUN) Atomics.wait(ctl, 0, RUN);
      if (state === FAILED) {
        failed = true;
        Atomics.store(ctl, 0, IDLE);
      }
    }
    if (failed) throw new TlError('KERNEL', 'tl GEMM worker thread failed (a trap in the SIMD GEMM); run with TL_WASM_THREADS=1 to compare');
    for (const { copyBack } of started) copyBack();
  }
}

/**
 * [lo, hi) ranges of `total` for `parts` threads, each a multiple of `unit` except the last;
 * the first range is the calling thread's.
 */
export function splitRange(total: number, parts: number, unit: number): Array<[number, number]> {
  const units = Math.ceil(total / unit);
  const out: Array<[number, number]> = [];
  let lo = 0;
  for (let p = 0; p < parts; p++) {
    const hi = Math.min(total, Math.round((units * (p + 1)) / parts) * unit);
    out.push([lo, Math.max(lo, hi)]);
    lo = Math.max(lo, hi);
  }
  return out;
}
