/**
 * @tl/core for browser bundles: what a page needs to load an HF checkpoint over HTTP, tokenize,
 * and fine-tune it with the Trainer on the `wasm` or `cpu` backend (or `webgpu`, from
 * @tl/backend-webgpu). Bundlers pick this entry for `@tl/core` and `@tl/core/browser` when they
 * build for the browser (the package's "browser" export condition, set by esbuild's and Vite's
 * browser platform); Node keeps index.ts.
 *
 * Everything here is also exported, as the same objects, by the Node entry. Left out: what reads or
 * writes local files (loadModel, fromPretrained and the Hub cache, savePretrained, checkpoint folders,
 * datasets from files, JSONL logging, ONNX files, transfer experiments), the terminal progress bar,
 * and plugin loading by path. A few shared modules have browser variants that bundlers swap in
 * (package.json "browser" field): the wasm backend's platform hooks, the gradient registration
 * (tfjs-core's own tables instead of the whole `@tensorflow/tfjs` union), `TextTokenizer.fromFolder`
 * (which fetches the folder as a URL), and Trainer checkpoints (which refuse to run without a file
 * system). test/browser/browser-entry.test.ts bundles this file for the browser and fails if a node:*
 * import becomes reachable.
 */
import 'reflect-metadata';

export * from './errors/tl-error.js';
export { explainOutOfMemory } from './errors/out-of-memory.js';
export * from './di/tokens.js';
export * from './di/container.js';
// Backends and the engine.
export * from './backend/backend.js';
export { CpuBackend } from './backend/cpu-backend.js';
export { WasmBackend, type WasmBackendOptions } from './backend/wasm-backend.js';
export { activateTfjsBackend } from './backend/tfjs-backend.js';
export * from './engine/create-engine.js';
// Models: the model_type registry, heads, weights; loading a folder over HTTP.
export * from './model/model.js';
export { ParameterStore, type Parametrization } from './nn/parameter-store.js';
export * from './models/config.js';
export type { EncoderFamily } from './models/family.js';
export type { EncoderLayout, EncoderOutput } from './models/encoder.js';
export type { Head, HeadBuilder, HeadContext, HeadOutput } from './models/heads/head.js';
export { registerEncoderFamily, supportedModelTypes, encoderFamily, taskFromArchitectures } from './models/registry.js';
export { EncoderModel, type BuildOptions } from './models/encoder-model.js';
export { buildModel, type ModelSpec } from './models/build-model.js';
export { loadWeights, type LoadReport } from './models/load-weights.js';
export type { LoadedModel } from './models/load-model.js';
export { fetchModelConfig, loadModelFromUrl } from './models/fetch-model.js';
export { fromUrl, type FromUrlOptions, type PretrainedFromUrl } from './pretrained/from-url.js';
export type { Pretrained } from './pretrained/from-pretrained.js';
export { fetchCheckpointWeights } from './io/checkpoint/fetch-weights.js';
export {
  CONFIG_FILE,
  SAFE_WEIGHTS_FILE,
  SAFE_WEIGHTS_INDEX_FILE,
  TOKENIZER_FILE,
  TOKENIZER_CONFIG_FILE,
  SPECIAL_TOKENS_MAP_FILE,
  VOCAB_FILE,
} from './io/checkpoint/file-names.js';
export {
  SAFETENSORS_DTYPE_SIZES,
  dtypeByteSize,
  isSafetensorsDType,
  type SafetensorsDType,
  type RawTensor,
  type SafetensorsFile,
} from './io/safetensors/dtype.js';
export { parseSafetensors, SAFETENSORS_MAX_HEADER_BYTES } from './io/safetensors/parse.js';
export { toFloat32, toInt32, toFloat16Bits } from './io/safetensors/convert.js';
export { encodeSafetensors, type SafetensorsEntry } from './io/safetensors/encode.js';
export { parseJsonText, parseJsonObject } from './io/json/parse-json.js';
export { predict, type Prediction, type PredictOptions } from './inference/predict.js';
// Tokenization.
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
export { learnSubwords, type LearnSubwordsOptions } from './tokenization/training/learn-subwords.js';
export {
  trainWordPieceTokenizer,
  BERT_SPECIAL_TOKENS,
  type WordPieceTrainingOptions,
  type TrainedTokenizerFiles,
} from './tokenization/training/train-wordpiece.js';
// Training: the Trainer, optimizer, schedules, metrics, callbacks that need no files.
export * from './training/callback.js';
export * from './training/trainer.js';
export { resolveTrainingArgs, trainingArgsSchema, type TrainingArgs, type TrainingArgsInput } from './training/args.js';
export { TrainerEvents, type TrainerEventMap, type TrainerEventName, type TrainerEventHandler } from './training/events/trainer-events.js';
export { AdamW, type AdamWOptions, type AdamWStateDict, type OptimizerGroup } from './training/optim/adamw.js';
export { DEFAULT_NO_DECAY, defaultParameterGroups, validateParameterGroups } from './training/optim/parameter-groups.js';
export { SCHEDULER_NAMES, scheduleLambda, type SchedulerName, type ScheduleOptions, type LrLambda } from './training/schedule/lr-lambdas.js';
export { LrScheduler, type LrSchedulerState } from './training/schedule/lr-scheduler.js';
export { clipGradNorm, globalGradNorm } from './training/gradients/clip-grad-norm.js';
export { ConfusionMatrix } from './training/metrics/confusion-matrix.js';
export {
  accuracy,
  f1Score,
  matthewsCorrcoef,
  classificationReport,
  classificationMetrics,
  argmaxRows,
  type ClassReport,
} from './training/metrics/classification-metrics.js';
export { evaluateModel, defaultComputeMetrics, type ComputeMetrics, type EvalPrediction } from './training/loop/evaluate-model.js';
export { orderStrategies } from './training/loop/strategy-pipeline.js';
export { dropoutSeed } from './training/loop/dropout-seed.js';
export { EarlyStopping, type EarlyStoppingOptions } from './training/callbacks/early-stopping.js';
export { LearningRateMonitor, type LearningRateRecord } from './training/callbacks/learning-rate-monitor.js';
export { StepTimer } from './training/callbacks/step-timer.js';
export { stepThroughput, type StepFields, type StepThroughputOptions } from './training/callbacks/step-throughput.js';
export { packSequences, isPreEncoded, type PackedCorpus, type PackSequencesOptions, type PreEncodedExample } from './data/packing/pack-sequences.js';
// Data: label maps, seeded batching, collators.
export { sortedLabelMap, labelMapFromLabel2Id, indexLabelMap, type LabelMap } from './data/labels/label-map.js';
export { SeededRandom } from './data/random/seeded-random.js';
export { fmix32 } from './data/random/fmix32.js';
export { BatchSampler, type BatchSamplerOptions, type BatchSamplerState } from './data/batching/batch-sampler.js';
export { disposeBatch, type Collator, type CollatedBatch, type CollateContext } from './data/collate/collator.js';
export { PaddingCollator, type PaddingCollatorOptions, type EncodedExample, type EncodeFn } from './data/collate/padding-collator.js';
export { tokenizerCollator, type TokenizerCollatorOptions } from './data/collate/tokenizer-collator.js';
export { MaskedLmCollator, type MaskedLmCollatorOptions } from './data/collate/masked-lm/masked-lm-collator.js';
export { IGNORE_INDEX, choosePositions, maskSequence, type MaskingOptions, type MaskedSequence } from './data/collate/masked-lm/mask-tokens.js';
export { wordBoundaryOf, wordIds, type WordBoundary } from './data/collate/masked-lm/word-boundaries.js';
// Transfer strategies and transferability scores.
export * from './transfer/transfer-strategy.js';
export { parseStrategySpec, formatStrategySpec, type StrategySpec } from './transfer/strategy-spec.js';
export { StrategyOptions } from './transfer/strategy-options.js';
export { createStrategies } from './transfer/create-strategies.js';
export type { FeatureRows } from './transfer/scores/score-inputs.js';
export { logMe, type LogMeOptions } from './transfer/scores/logme.js';
export { leep } from './transfer/scores/leep.js';
export { hScore } from './transfer/scores/h-score.js';
export { knnAccuracy, type KnnOptions } from './transfer/scores/knn-accuracy.js';
export { kendallTau } from './transfer/scores/kendall-tau.js';
export { frozenOutputs, type Pooling, type FrozenOutputs, type FrozenOutputsOptions } from './transfer/scores/features.js';
export { meanStd, gainPoints, relativeErrorReduction, dataEfficiency, type CurvePoint, type DataEfficiency } from './transfer/experiment/transfer-metrics.js';
// Kernel contracts that backends (e.g. @tl/backend-webgpu) implement, and the ops that call them.
export { TL_ADAMW_UPDATE, hasAdamWKernel, runAdamWKernel, type AdamWKernelInputs, type AdamWKernelAttrs } from './training/optim/adamw-kernel.js';
export { adamwFloat32Constants, type AdamWFloat32Constants } from './training/optim/adamw-float32.js';
export {
  TL_ADAMW_UPDATE_MULTI,
  ADAMW_KERNEL_INPUTS,
  adamWMultiInputName,
  splitAdamWMultiCall,
  hasAdamWMultiKernel,
  runAdamWMultiKernel,
  type AdamWMultiAttrs,
  type AdamWMultiUpdate,
} from './training/optim/adamw-multi-kernel.js';
export { TL_GLOBAL_NORM, globalNormInputName, hasGlobalNormKernel } from './training/gradients/global-norm-kernel.js';
export { TL_DROPOUT, dropoutHash, dropoutKeys, dropoutThreshold, dropoutMaskReference, hasDropoutKernel, runDropoutKernel, type DropoutKernelAttrs } from './nn/dropout-kernel.js';
export { layerNorm } from './nn/layer-norm.js';
export { tfjsSeed } from './nn/tfjs-seed.js';
export { TL_LAYER_NORM, TL_LAYER_NORM_BACKWARD, TL_LAYER_NORM_GAMMA_GRAD, hasLayerNormKernels, runLayerNormKernel, type LayerNormKernelAttrs } from './nn/layer-norm-kernel.js';
export { TL_GELU, TL_GELU_BACKWARD, hasGeluKernels, runGeluKernel } from './nn/gelu-kernel.js';
export {
  TL_ATTENTION_SOFTMAX,
  TL_ATTENTION_SOFTMAX_BACKWARD,
  attentionSoftmaxReference,
  hasAttentionSoftmaxKernels,
  runAttentionSoftmaxKernel,
  type AttentionSoftmaxAttrs,
} from './nn/attention-softmax-kernel.js';
export { activation, type Activation } from './nn/activations.js';
