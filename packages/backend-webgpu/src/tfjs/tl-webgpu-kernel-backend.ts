/// <reference types="@webgpu/types" />
import type { BackendValues } from '@tensorflow/tfjs-core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { TlError } from '@tl/core';

/**
 * tfjs's WebGPU backend, with one Node-specific fix: its synchronous read (`dataSync`, `arraySync`)
 * goes through OffscreenCanvas, which only browsers have. Node gets an error that says what to use
 * instead rather than "OffscreenCanvas is not defined" from deep inside tfjs.
 */
export class TlWebGpuKernelBackend extends WebGPUBackend {
  override readSync(dataId: object): BackendValues {
    const data = this.tensorMap.get(dataId) as { values?: BackendValues | null; dtype: string } | undefined;
    const onCpu = data != null && (data.values != null || data.dtype === 'string');
    if (!onCpu && typeof OffscreenCanvas === 'undefined') {
      throw new TlError(
        'BACKEND',
        'webgpu in Node cannot read a GPU tensor synchronously (dataSync/arraySync/bufferSync); ' +
          'use `await tensor.data()` / `await tensor.array()`',
      );
    }
    return super.readSync(dataId);
  }
}
