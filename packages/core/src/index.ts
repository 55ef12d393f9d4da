import 'reflect-metadata';

export * from './errors/tl-error.js';
export * from './di/tokens.js';
export * from './di/container.js';
export * from './backend/backend.js';
export { CpuBackend } from './backend/cpu-backend.js';
export { WasmBackend, type WasmBackendOptions } from './backend/wasm-backend.js';
export { activateTfjsBackend } from './backend/tfjs-backend.js';
export * from './engine/create-engine.js';
export * from './model/model.js';
export { ParameterStore } from './nn/parameter-store.js';
export * from './training/callback.js';
export * from './training/trainer.js';
export * from './transfer/transfer-strategy.js';
export * from './models/config.js';
export type { EncoderFamily } from './models/family.js';
export type { EncoderLayout } from './models/encoder.js';
export type { Head, HeadBuilder, HeadContext, HeadOutput } from './models/heads/head.js';
export { registerEncoderFamily, supportedModelTypes, encoderFamily, taskFromArchitectures } from './models/registry.js';
export { EncoderModel, type BuildOptions } from './models/encoder-model.js';
export { buildModel, type ModelSpec } from './models/build-model.js';
export { loadWeights, type LoadReport } from './models/load-weights.js';
export { loadModel, readModelConfig, type LoadedModel } from './models/load-model.js';
export * from './io/safetensors/index.js';
export * from './io/checkpoint/index.js';
export * from './io/hub/index.js';
export { writeFileAtomic } from './io/fs/atomic-write.js';
export { parseJsonText, parseJsonObject } from './io/json/parse-json.js';
export { predict, type Prediction, type PredictOptions } from './inference/predict.js';
export { fromPretrained, type FromPretrainedOptions, type Pretrained } from './pretrained/from-pretrained.js';
export { savePretrained, modelTensors, type SaveOptions } from './pretrained/save-pretrained.js';
export { readRecords, parseRecords, formatFromPath, type SourceRecord, type RecordFormat } from './data/records/read-records.js';
export {
  TextTokenizer,
  type SpecialTokenIds,
  type Encoded,
  type EncodeOptions,
  type DecodeOptions,
  type TokenizerSources,
} from './tokenization/text-tokenizer.js';
export {
  encodeBatch,
  type TextInput,
  type PaddingStrategy,
  type EncodeBatchOptions,
  type BatchEncoding,
} from './tokenization/encode-batch.js';
export { keptLengths, type TruncationStrategy, type KeptLengths } from './tokenization/truncation.js';
export type { Side, SpecialTokenRole } from './tokenization/tokenizer-config.js';
export type { SpecialTokensTemplate, TemplatePiece, TokenRun } from './tokenization/special-tokens-template.js';
export { toEncodedBatch } from './tokenization/to-encoded-batch.js';
