import type { DataId } from '@tensorflow/tfjs-core';

/**
 * What a backend keeps per tfjs dataId, stored on the dataId object itself under a symbol private
 * to one backend instance. tfjs's own DataStorage keeps a WeakMap instead; on a path that runs for
 * every kernel input and output, a property access is cheaper than WeakMap lookups and inserts, and
 * spares the garbage collector an ephemeron table of every live tensor. Same contract as
 * DataStorage: a dataId this backend does not hold is first moved here (`onMissing`, tfjs's
 * engine.moveData, which calls the backend's `move`).
 */
export class DataSlots<T extends object> {
  private readonly key = Symbol('tl-torch-backend-data');
  private count = 0;

  constructor(private readonly onMissing: (dataId: DataId) => void) {}

  get(dataId: DataId): T {
    let value = this.peek(dataId);
    if (value === undefined) {
      this.onMissing(dataId);
      value = this.peek(dataId);
      if (value === undefined) throw new Error('tensor data is not on the libtorch backend after moving it there');
    }
    return value;
  }

  /** The value, without moving data here when absent. */
  peek(dataId: DataId): T | undefined {
    return (dataId as Record<symbol, T | undefined>)[this.key];
  }

  set(dataId: DataId, value: T): void {
    if (this.peek(dataId) === undefined) this.count++;
    (dataId as Record<symbol, T | undefined>)[this.key] = value;
  }

  delete(dataId: DataId): void {
    if (this.peek(dataId) === undefined) return;
    // Assigned, not `delete`d: deleting a property would move every dataId to a slower object shape.
    (dataId as Record<symbol, T | undefined>)[this.key] = undefined;
    this.count--;
  }

  get size(): number {
    return this.count;
  }
}
