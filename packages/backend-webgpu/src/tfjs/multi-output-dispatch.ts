/// <reference types="@webgpu/types" />
import { env, type DataType, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/**
 * One compute dispatch that writes several output tensors, recorded into tfjs-webgpu's own command
 * stream.
 *
 * Why by hand: a tfjs-webgpu program (`runWebGPUProgram`) binds exactly one output buffer, so a
 * fused kernel with three results (AdamW: parameter, first and second moment) costs three
 * dispatches, each re-reading the inputs it shares with the others. No tfjs API records a dispatch
 * with several outputs, so this does what tfjs 4.22's `recordAndSubmit` does — same command encoder
 * and compute pass, same submit batching (`WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE`), same deferred
 * release of uniform buffers and same queue ownership of the tensors — through members that its
 * type declarations mark private. The package pins tfjs-backend-webgpu 4.22.0; `canRecordMultiOutput`
 * checks that those members are there, and callers fall back to one tfjs program per output when
 * they are not, so a tfjs that renames them costs speed, not results.
 */

/** The members of tfjs-backend-webgpu 4.22's `WebGPUBackend` this module uses (private in its .d.ts). */
interface WebGpuBackendInternals {
  readonly device: GPUDevice;
  readonly tensorMap: { get(dataId: object): { resource?: unknown } | undefined };
  readonly pipelineCache: Record<string, GPUComputePipeline | Promise<GPUComputePipeline>>;
  readonly commandQueueOwnedIds: WeakSet<object>;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  activeTimers: Array<{ name: string; query: Promise<number> }> | null;
  querySet: GPUQuerySet | null;
  readonly querySetCount: number;
  readonly supportTimestampQuery: boolean;
  makeTensorInfo(shape: number[], dtype: DataType): TensorInfo;
  uploadToGPU(dataId: object): void;
  makeUniforms(uniforms: ProgramUniform): GPUBufferBinding;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  getQueryTime(): Promise<number>;
}

/** Uniform values in declaration order, as tfjs's `makeUniforms` lays them out (scalars: 4 bytes each). */
export type ProgramUniform = Array<{ type: 'float32' | 'int32' | 'uint32'; data: number[] }>;

/** A WGSL program with its own bindings: outputs at 0…k−1, then inputs, then one uniform buffer. */
export interface MultiOutputProgram {
  /** Pipeline cache key: must change whenever `code` does. */
  readonly shaderKey: string;
  /** Complete WGSL, entry point `main`. */
  readonly code: string;
  readonly dispatch: readonly [number, number, number];
  /** Shown by tfjs's per-kernel timing (`tf.profile` / `tf.time` with timestamp queries). */
  readonly name: string;
}

const METHODS = ['makeTensorInfo', 'uploadToGPU', 'makeUniforms', 'ensureCommandEncoderReady', 'endComputePassEncoder', 'submitQueue', 'getQueryTime'] as const;

/** Whether `backend` has the tfjs internals this module records through, and binds `storageBuffers` buffers in one shader. */
export function canRecordMultiOutput(backend: WebGPUBackend, storageBuffers: number): boolean {
  const b = backend as unknown as Partial<Record<string, unknown>>;
  return (
    METHODS.every((m) => typeof b[m] === 'function') &&
    b['tensorMap'] != null &&
    b['pipelineCache'] != null &&
    b['commandQueueOwnedIds'] instanceof WeakSet &&
    'computePassEncoder' in b &&
    typeof b['dispatchCountInPass'] === 'number' &&
    backend.device.limits.maxStorageBuffersPerShaderStage >= storageBuffers
  );
}

/**
 * Records `program` over `inputs` into new float32 tensors of `outputShapes` (owned by the caller,
 * as a kernel's outputs are) and returns them. Non-empty outputs only: the caller handles size 0.
 */
export function runMultiOutputProgram(
  backend: WebGPUBackend,
  program: MultiOutputProgram,
  inputs: readonly TensorInfo[],
  outputShapes: ReadonlyArray<readonly number[]>,
  uniforms: ProgramUniform,
): TensorInfo[] {
  const b = backend as unknown as WebGpuBackendInternals;
  const outputs = outputShapes.map((shape) => b.makeTensorInfo([...shape], 'float32'));
  for (const t of [...outputs, ...inputs]) b.uploadToGPU(t.dataId);
  const pipeline = (b.pipelineCache[program.shaderKey] ??= b.device.createComputePipeline({
    layout: 'auto',
    compute: { module: b.device.createShaderModule({ code: program.code }), entryPoint: 'main' },
  }));
  if (pipeline instanceof Promise) throw new Error(`${program.name}: tfjs's parallel compilation mode is not supported`);
  const buffers = [...outputs, ...inputs].map((t) => {
    const resource = b.tensorMap.get(t.dataId)?.resource;
    if (!(resource instanceof GPUBuffer)) throw new Error(`${program.name}: a tensor is not in a GPU buffer`);
    return { buffer: resource };
  });
  const entries = [...buffers, b.makeUniforms(uniforms)].map((resource, binding) => ({ binding, resource }));
  for (const t of [...outputs, ...inputs]) b.commandQueueOwnedIds.add(t.dataId);
  const bindGroup = b.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });

  // From here on, recordAndSubmit's steps in its order.
  const timed = b.activeTimers != null;
  b.ensureCommandEncoderReady();
  const encoder = b.commandEncoder!;
  if (timed && b.supportTimestampQuery) {
    b.endComputePassEncoder();
    b.querySet ??= b.device.createQuerySet({ type: 'timestamp', count: b.querySetCount });
    b.computePassEncoder = encoder.beginComputePass({
      timestampWrites: { querySet: b.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 },
    });
  } else if (!b.computePassEncoder) {
    b.computePassEncoder = encoder.beginComputePass({});
  }
  const pass = b.computePassEncoder;
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(...program.dispatch);
  b.dispatchCountInPass++;
  if (timed || (env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= b.dispatchCountInPass) {
    b.endComputePassEncoder();
    if (timed) b.activeTimers!.push({ name: program.name, query: b.getQueryTime() });
    else b.submitQueue();
  }
  return outputs;
}
