/// <reference types="@webgpu/types" />
import { Callback } from '@tl/core';

/**
 * Counts WebGPU compute dispatches — tfjs's programs and tl's own alike — by wrapping
 * `GPUComputePassEncoder.prototype.dispatchWorkgroups` while it is active, and marks the count at
 * the end of each Trainer step: what a step costs in dispatches, which tfjs's kernel counts
 * (`tf.profile`) do not show (one tfjs kernel may dispatch several programs, or one per parameter).
 * One counter at a time; `dispose()` restores the prototype.
 */
export class DispatchCounter extends Callback {
  readonly name = 'dispatch-counter';
  count = 0;
  /** The count at the end of each step. */
  readonly marks: number[] = [];
  private restore: (() => void) | undefined;

  constructor() {
    super();
    const proto = (globalThis as { GPUComputePassEncoder?: { prototype: GPUComputePassEncoder } }).GPUComputePassEncoder?.prototype;
    if (!proto) throw new Error('DispatchCounter: no GPUComputePassEncoder (initialise the webgpu backend first)');
    const original = proto.dispatchWorkgroups;
    const counter = this;
    proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args: Parameters<GPUComputePassEncoder['dispatchWorkgroups']>) {
      counter.count++;
      return original.apply(this, args);
    };
    this.restore = () => void (proto.dispatchWorkgroups = original);
  }

  override onStepEnd(): void {
    this.marks.push(this.count);
  }

  /** Mean dispatches of the steps after the first (the first also creates state); NaN with fewer than two. */
  get perStep(): number {
    return this.marks.length > 1 ? (this.marks.at(-1)! - this.marks[0]!) / (this.marks.length - 1) : NaN;
  }

  dispose(): void {
    this.restore?.();
    this.restore = undefined;
  }
}
