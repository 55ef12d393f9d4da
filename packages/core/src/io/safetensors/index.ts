export {
  SAFETENSORS_DTYPE_SIZES,
  dtypeByteSize,
  isSafetensorsDType,
  type SafetensorsDType,
  type RawTensor,
  type SafetensorsFile,
} from './dtype.js';
export { parseSafetensors, SAFETENSORS_MAX_HEADER_BYTES } from './parse.js';
export { readSafetensorsFile } from './read-file.js';
export { toFloat32, toInt32 } from './convert.js';
export { encodeSafetensors, type SafetensorsEntry } from './encode.js';
