import { webgpu_util, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * The WGSL passes of tl's UnsortedSegmentSum (see unsorted-segment-sum-webgpu.ts for how they chain).
 * Inputs are read as raw flat arrays (`x[i]`, `segmentIds[i]`: tfjs binds each input as
 * `array<f32|i32>` under its variable name); every pass is a flat 1-D dispatch calling `main(index)`.
 * tfjs's program model has one writable binding (`result`), which is why per-segment counts and
 * per-row ranks share one buffer.
 */

/** Rows per chunk of the summing pass: bounds both a thread's serial work and the atomics per cell. */
export const SUM_CHUNK = 32;

abstract class FlatProgram implements WebGPUProgram {
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];
  abstract readonly shaderKey: string;
  abstract readonly variableNames: string[];
  abstract readonly uniforms: string;

  /** `threads` invocations in workgroups of `workgroupX`; `outputShape` is the result buffer's shape. */
  constructor(
    readonly outputShape: number[],
    threads: number,
    workgroupX = 64,
  ) {
    this.workgroupSize = [workgroupX, 1, 1];
    this.dispatchLayout = webgpu_util.flatDispatchLayout([threads]);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, [threads], this.workgroupSize);
  }

  abstract getUserCode(): string;
}

/**
 * result[0, S) counts the rows of each segment; result[S + i] is row i's rank among its segment's
 * rows (arrival order of the atomics). Rows whose id is outside [0, S) are dropped, as tfjs cpu does.
 * `result` must be zero-filled.
 */
export class SegmentCountProgram extends FlatProgram {
  readonly shaderKey = 'tl_uss_count';
  readonly variableNames = ['segmentIds'];
  readonly uniforms = 'numSegments : i32, numRows : i32,';
  readonly atomic = true;

  constructor(numSegments: number, numRows: number) {
    super([numSegments + numRows], numRows);
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.numRows) {
          let id = segmentIds[index];
          if (id >= 0 && id < uniforms.numSegments) {
            let rank = atomicAdd(&result[id], 1);
            atomicStore(&result[uniforms.numSegments + index], rank);
          }
        }
      }`;
  }
}

const SCAN_THREADS = 256;

/**
 * result[s] = Σ counts[0, s) for s ≤ S (exclusive prefix sum; result[S] = rows kept). One workgroup:
 * each thread sums a contiguous block serially, the 256 block sums are scanned in shared memory,
 * then each thread writes its block's prefixes. S = 30522 (BERT's vocabulary) is ~120 values a thread.
 */
export class SegmentOffsetsProgram extends FlatProgram {
  readonly shaderKey = 'tl_uss_offsets';
  readonly variableNames = ['counts'];
  readonly uniforms = 'numSegments : i32,';

  constructor(numSegments: number) {
    super([numSegments + 1], SCAN_THREADS, SCAN_THREADS); // exactly one workgroup
  }

  getUserCode(): string {
    return `
      var<workgroup> tlBlockSums : array<i32, ${SCAN_THREADS}>;

      fn main(index : i32) {
        let numSegments = uniforms.numSegments;
        let t = i32(localIndex);
        let perThread = (numSegments + ${SCAN_THREADS - 1}) / ${SCAN_THREADS};
        let begin = min(t * perThread, numSegments);
        let end = min(begin + perThread, numSegments);
        var blockSum = 0;
        for (var k = begin; k < end; k = k + 1) {
          blockSum = blockSum + counts[k];
        }
        tlBlockSums[t] = blockSum;
        workgroupBarrier();
        // Hillis–Steele inclusive scan of the block sums.
        for (var offset = 1; offset < ${SCAN_THREADS}; offset = offset * 2) {
          var left = 0;
          if (t >= offset) {
            left = tlBlockSums[t - offset];
          }
          workgroupBarrier();
          tlBlockSums[t] = tlBlockSums[t] + left;
          workgroupBarrier();
        }
        var running = tlBlockSums[t] - blockSum;
        for (var k = begin; k < end; k = k + 1) {
          result[k] = running;
          running = running + counts[k];
        }
        if (t == ${SCAN_THREADS - 1}) {
          result[numSegments] = tlBlockSums[t];
        }
      }`;
  }
}

/**
 * result[offsets[id] + rank] = i: row indices grouped by segment (CSR order), from the count pass's
 * ranks. Slots past offsets[S] (dropped rows) are left unwritten and never read.
 */
export class SegmentRowsProgram extends FlatProgram {
  readonly shaderKey = 'tl_uss_rows';
  readonly variableNames = ['segmentIds', 'counts', 'offsets'];
  readonly uniforms = 'numSegments : i32, numRows : i32,';

  constructor(numSegments: number, numRows: number) {
    super([numRows], numRows);
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.numRows) {
          let id = segmentIds[index];
          if (id >= 0 && id < uniforms.numSegments) {
            result[offsets[id] + counts[uniforms.numSegments + index]] = index;
          }
        }
      }`;
  }
}

/**
 * result[s, j] = Σ x[r, j] over the rows r of segment s, one thread per (chunk of SUM_CHUNK
 * consecutive CSR entries, column j): a thread sums each run of one segment inside its chunk and
 * stores it when the run is the whole segment, else adds it atomically (float add emulated with
 * atomicCompareExchangeWeak on the bits). So no cell sees more than ⌈rows/SUM_CHUNK⌉ + 1 atomic adds,
 * however skewed the ids (e.g. 4096 rows of token type 0), and a thread never loops over more than
 * SUM_CHUNK rows. `result` must be zero-filled (segments with no rows stay 0).
 */
export class SegmentChunkSumProgram extends FlatProgram {
  readonly shaderKey = 'tl_uss_chunk_sum';
  readonly variableNames = ['x', 'segmentIds', 'rows', 'offsets'];
  readonly uniforms = 'numSegments : i32, inner : i32, numThreads : i32,';
  readonly atomic = true;
  /** Invocations that have work (the dispatch rounds up to whole workgroups). */
  readonly threads: number;

  constructor(numSegments: number, numRows: number, inner: number) {
    const threads = Math.ceil(numRows / SUM_CHUNK) * inner;
    super([numSegments * inner], threads);
    this.threads = threads;
  }

  getUserCode(): string {
    return `
      fn tlAtomicAddF32(flat : i32, value : f32) {
        var old = atomicLoad(&result[flat]);
        loop {
          let swapped = atomicCompareExchangeWeak(&result[flat], old, bitcast<i32>(bitcast<f32>(old) + value));
          if (swapped.exchanged) {
            break;
          }
          old = swapped.old_value;
        }
      }

      fn tlFlush(segment : i32, begin : i32, end : i32, sum : f32, column : i32) {
        let flat = segment * uniforms.inner + column;
        if (begin == offsets[segment] && end == offsets[segment + 1]) {
          atomicStore(&result[flat], bitcast<i32>(sum));
        } else {
          tlAtomicAddF32(flat, sum);
        }
      }

      fn main(index : i32) {
        if (index >= uniforms.numThreads) {
          return;
        }
        let inner = uniforms.inner;
        let chunk = index / inner;
        let column = index - chunk * inner;
        let kept = offsets[uniforms.numSegments];
        let first = chunk * ${SUM_CHUNK};
        if (first >= kept) {
          return;
        }
        let last = min(first + ${SUM_CHUNK}, kept);
        var segment = segmentIds[rows[first]];
        var runBegin = first;
        var sum = 0.0;
        for (var k = first; k < last; k = k + 1) {
          let row = rows[k];
          let id = segmentIds[row];
          if (id != segment) {
            tlFlush(segment, runBegin, k, sum, column);
            segment = id;
            runBegin = k;
            sum = 0.0;
          }
          sum = sum + x[row * inner + column];
        }
        tlFlush(segment, runBegin, last, sum, column);
      }`;
  }
}
