import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../torch-backend.js';

/** A kernel's arguments as tfjs passes them; `inputs` is an array for AddN, Concat, Pack, Einsum. */
export interface TorchKernelArgs {
  readonly inputs: Record<string, TensorInfo> & ArrayLike<TensorInfo>;
  readonly backend: TorchBackend;
  readonly attrs: NamedAttrMap;
}

/** One tfjs kernel implemented over the addon. */
export interface TorchKernel {
  readonly name: string;
  readonly run: (args: TorchKernelArgs) => TensorInfo | TensorInfo[];
}

/** Reads a typed attribute (tfjs passes attributes as an untyped map). */
export function attr<T>(attrs: NamedAttrMap, name: string): T {
  return attrs[name] as unknown as T;
}

/** The named input, with a message that names it when tfjs did not pass it. */
export function input(args: TorchKernelArgs, name: string): TensorInfo {
  const t = args.inputs[name];
  if (!t) throw new Error(`missing input "${name}"`);
  return t;
}

/** Inputs passed as an array (AddN, Concat, Pack, Einsum). */
export function inputList(args: TorchKernelArgs): TensorInfo[] {
  return Array.from(args.inputs as ArrayLike<TensorInfo>);
}
