import * as tf from '@tensorflow/tfjs-core';
import { TlError } from '../../errors/tl-error.js';
import { TL_ADAMW_UPDATE, type AdamWKernelAttrs, type AdamWKernelInputs } from './adamw-kernel.js';

/**
 * The name of an optional tfjs kernel that performs the AdamW updates of many parameters in one
 * call: torch's `foreach` AdamW. `AdamW` calls it (once per optimizer step, for every parameter
 * that has a gradient) whenever the active backend registers it and `foreach` is not turned off;
 * otherwise it calls TL_ADAMW_UPDATE once per parameter, or its op sequence.
 *
 * Why: on a GPU backend each tfjs kernel call costs host time in tfjs's engine (scopes, tensor
 * bookkeeping) and in the backend's dispatch, whatever the arithmetic; BERT-base has 201
 * parameters, so the per-parameter kernel is 201 calls per step and this is one. A backend may
 * loop over the parameters inside (as @tl/backend-cuda does) or launch one multi-tensor kernel.
 *
 * Contract for an implementation (`tf.registerKernel({ kernelName: TL_ADAMW_UPDATE_MULTI, backendName, kernelFunc })`):
 *   inputs  `param0, grad0, expAvg0, expAvgSq0, param1, …` for parameters 0 … n−1 (names from
 *           `adamWMultiInputName`): per parameter, four float32 tensors of one shape; read only.
 *   attrs   `{ lr, weightDecay, step }`: arrays of n numbers (per parameter: its group's learning
 *           rate and weight decay, its step count after this update); `{ beta1, beta2, eps,
 *           gradScale }`: numbers shared by all, as TL_ADAMW_UPDATE's.
 *   outputs `[param0', expAvg0', expAvgSq0', param1', …]`: 3n new float32 tensors, owned by the caller.
 *   math    per parameter exactly TL_ADAMW_UPDATE's (adamw-kernel.ts), to the same accuracy.
 * No gradient is defined.
 */
export const TL_ADAMW_UPDATE_MULTI = 'TlAdamWUpdateMulti';

/** The input name of parameter `index`'s tensor `role` (`param3`, `expAvgSq3`, …). */
export function adamWMultiInputName(role: keyof AdamWKernelInputs, index: number): string {
  return `${role}${index}`;
}

/** One parameter's update in a multi-tensor call. */
export interface AdamWMultiUpdate extends AdamWKernelInputs {
  readonly lr: number;
  readonly weightDecay: number;
  /** The parameter's step count after this update (1 on the first). */
  readonly step: number;
}

export interface AdamWMultiAttrs {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Multiplies every gradient first (the clip coefficient); absent or 1 for none. */
  readonly gradScale?: number;
}

/** TL_ADAMW_UPDATE's four inputs, in the order each parameter's group of the multi-tensor call lists them. */
export const ADAMW_KERNEL_INPUTS = ['param', 'grad', 'expAvg', 'expAvgSq'] as const;

/**
 * A TL_ADAMW_UPDATE_MULTI call's inputs and attrs, split back into one TL_ADAMW_UPDATE call's per
 * parameter: the decoding side of the contract, for a backend that loops over the parameters.
 */
export function splitAdamWMultiCall<T>(
  inputs: Readonly<Record<string, T | undefined>>,
  attrs: unknown,
): Array<{ readonly inputs: Record<keyof AdamWKernelInputs, T>; readonly attrs: AdamWKernelAttrs }> {
  const a = attrs as AdamWMultiAttrs & { lr: number[]; weightDecay: number[]; step: number[] };
  return a.lr.map((lr, i) => ({
    inputs: Object.fromEntries(ADAMW_KERNEL_INPUTS.map((role) => [role, required(inputs, adamWMultiInputName(role, i))])) as Record<keyof AdamWKernelInputs, T>,
    attrs: { beta1: a.beta1, beta2: a.beta2, eps: a.eps, ...(a.gradScale !== undefined && { gradScale: a.gradScale }), lr, weightDecay: a.weightDecay[i]!, step: a.step[i]! },
  }));
}

function required<T>(inputs: Readonly<Record<string, T | undefined>>, name: string): T {
  const t = inputs[name];
  if (t === undefined) throw new TlError('TRAINING', `${TL_ADAMW_UPDATE_MULTI}: input ${name} is missing`);
  return t;
}

/** Whether `backendName` (default: the active backend) registers the multi-tensor AdamW kernel. */
export function hasAdamWMultiKernel(backendName: string | null = tf.getBackend()): boolean {
  return backendName != null && tf.getKernel(TL_ADAMW_UPDATE_MULTI, backendName) != null;
}

/**
 * Runs the kernel on the active backend: per update, the new [param, expAvg, expAvgSq] (the caller
 * assigns and disposes them).
 */
export function runAdamWMultiKernel(updates: readonly AdamWMultiUpdate[], attrs: AdamWMultiAttrs): Array<[tf.Tensor, tf.Tensor, tf.Tensor]> {
  if (updates.length === 0) return [];
  const inputs: Record<string, tf.Tensor> = {};
  updates.forEach((u, i) => {
    for (const role of ADAMW_KERNEL_INPUTS) {
      const t = u[role];
      if (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, u.param.shape)) {
        throw new TlError(
          'TRAINING',
          `${TL_ADAMW_UPDATE_MULTI}: ${role} of parameter ${i} is ${t.dtype} [${t.shape.join(', ')}]; every input must be float32 [${u.param.shape.join(', ')}] like its param`,
        );
      }
      inputs[adamWMultiInputName(role, i)] = t;
    }
  });
  const out = tf.engine().runKernel(TL_ADAMW_UPDATE_MULTI, inputs as tf.NamedTensorMap, {
    ...attrs,
    lr: updates.map((u) => u.lr),
    weightDecay: updates.map((u) => u.weightDecay),
    step: updates.map((u) => u.step),
  } as unknown as tf.NamedAttrMap) as tf.Tensor[];
  if (out.length !== 3 * updates.length) {
    tf.dispose(out);
    throw new TlError('TRAINING', `${TL_ADAMW_UPDATE_MULTI} returned ${out.length} tensors for ${updates.length} parameters (want ${3 * updates.length}); same contract as ${TL_ADAMW_UPDATE}`);
  }
  return updates.map((_, i) => [out[3 * i]!, out[3 * i + 1]!, out[3 * i + 2]!]);
}
