import { TlError } from '../../errors/tl-error.js';
import { SeededRandom } from '../random/seeded-random.js';

export interface BatchSamplerOptions {
  /** Number of examples. */
  readonly size: number;
  readonly batchSize: number;
  /** Reshuffle every epoch (training); false keeps file order (evaluation). */
  readonly shuffle: boolean;
  readonly seed: number;
  /**
   * Example lengths (tokens) to group batches by length, as HF's `group_by_length`: less padding per
   * batch, still random. Used only with `shuffle`.
   */
  readonly lengths?: readonly number[];
  /** Drop a last batch smaller than `batchSize` (HF `dataloader_drop_last`, default false). */
  readonly dropLast?: boolean;
}

/** Where the data order stands: enough to regenerate the epoch's batches and skip those consumed. */
export interface BatchSamplerState {
  readonly epoch: number;
  /** Batches of the current epoch already consumed. */
  readonly position: number;
  /** The generator state at the start of the current epoch. */
  readonly epochStartRandomState: number;
}

/**
 * Yields an epoch's batches as lists of example indices, deterministically from a seed. The order of
 * epoch e depends only on the seed and the epochs before it; the state saved in a checkpoint (the
 * generator state at the epoch's start plus the position within it) regenerates the same batches, so
 * a resumed run sees exactly the data an uninterrupted one would.
 */
export class BatchSampler {
  private readonly random: SeededRandom;
  private epochIndex = 0;
  private consumed = 0;
  private epochStartState: number;
  private batches: number[][];

  constructor(private readonly o: BatchSamplerOptions) {
    if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new TlError('CONFIG', `batch size must be an integer >= 1, got ${o.batchSize}`);
    if (o.lengths && o.lengths.length !== o.size) {
      throw new TlError('CONFIG', `batch sampler: ${o.lengths.length} lengths for ${o.size} examples`);
    }
    this.random = new SeededRandom(o.seed);
    this.epochStartState = this.random.state;
    this.batches = this.makeBatches();
  }

  /** Batches per epoch. */
  get length(): number {
    return this.batches.length;
  }

  get epoch(): number {
    return this.epochIndex;
  }

  /** Batches of the current epoch consumed so far. */
  get position(): number {
    return this.consumed;
  }

  /** The current epoch's batches (all of them; `position` says how many are done). */
  epochBatches(): readonly (readonly number[])[] {
    return this.batches;
  }

  /** Marks `n` more batches of this epoch as consumed. */
  advance(n = 1): void {
    this.consumed = Math.min(this.batches.length, this.consumed + n);
  }

  /** Moves to the next epoch, drawing its order. */
  nextEpoch(): void {
    this.epochIndex += 1;
    this.consumed = 0;
    this.epochStartState = this.random.state;
    this.batches = this.makeBatches();
  }

  stateDict(): BatchSamplerState {
    return { epoch: this.epochIndex, position: this.consumed, epochStartRandomState: this.epochStartState };
  }

  loadStateDict(state: BatchSamplerState): void {
    this.random.setState(state.epochStartRandomState);
    this.epochStartState = state.epochStartRandomState;
    this.epochIndex = state.epoch;
    this.batches = this.makeBatches();
    if (!Number.isInteger(state.position) || state.position < 0 || state.position > this.batches.length) {
      throw new TlError('CHECKPOINT', `data order state: position ${state.position} outside 0..${this.batches.length}`);
    }
    this.consumed = state.position;
  }

  private makeBatches(): number[][] {
    const { size, batchSize, shuffle, lengths, dropLast } = this.o;
    const order = Array.from({ length: size }, (_, i) => i);
    if (shuffle) this.random.shuffle(order);
    const ordered = shuffle && lengths ? groupByLength(order, lengths, batchSize) : order;
    const batches: number[][] = [];
    for (let i = 0; i < ordered.length; i += batchSize) batches.push(ordered.slice(i, i + batchSize));
    if (dropLast && batches.length > 0 && batches[batches.length - 1]!.length < batchSize) batches.pop();
    return batches;
  }
}

/**
 * HF's `LengthGroupedSampler` (`get_length_grouped_indices`): cut a random permutation into
 * mega-batches of `mult × batchSize` (mult = min(n / (4·batchSize), 50), at least 1), sort each by
 * length, longest first, and move the overall longest example to the very front so an out-of-memory
 * batch shows up on the first step rather than the last.
 */
function groupByLength(order: number[], lengths: readonly number[], batchSize: number): number[] {
  const mult = Math.max(1, Math.min(Math.floor(order.length / (batchSize * 4)), 50));
  const megaSize = mult * batchSize;
  const megas: number[][] = [];
  for (let i = 0; i < order.length; i += megaSize) {
    // Array.prototype.sort is stable, as Python's sorted: ties keep their random order.
    megas.push(order.slice(i, i + megaSize).sort((a, b) => lengths[b]! - lengths[a]!));
  }
  if (megas.length === 0) return [];
  let maxIdx = 0;
  megas.forEach((m, i) => {
    if (lengths[m[0]!]! > lengths[megas[maxIdx]![0]!]!) maxIdx = i;
  });
  [megas[0]![0], megas[maxIdx]![0]] = [megas[maxIdx]![0]!, megas[0]![0]!];
  return megas.flat();
}
