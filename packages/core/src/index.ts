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
// Training: the Trainer, optimizer, schedules, metrics, callbacks, checkpoints.
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
export {
  saveTrainerCheckpoint,
  readTrainerCheckpoint,
  findLatestCheckpoint,
  listCheckpoints,
  deleteCheckpoint,
  TRAINER_STATE_FILE,
  OPTIMIZER_FILE,
  TRAINING_ARGS_FILE,
  type TrainerStateFile,
} from './training/checkpoint/trainer-checkpoint.js';
export { ProgressBar, type ProgressBarOptions } from './training/callbacks/progress-bar.js';
export { JsonlMetricsLogger } from './training/callbacks/jsonl-metrics-logger.js';
export { EarlyStopping, type EarlyStoppingOptions } from './training/callbacks/early-stopping.js';
export { Checkpointing, type CheckpointingOptions } from './training/callbacks/checkpointing.js';
export { LearningRateMonitor, type LearningRateRecord } from './training/callbacks/learning-rate-monitor.js';
// Data: datasets from JSONL/CSV/TSV, label maps, seeded batching, dynamic padding.
export { loadDataset, parseDataset, type LoadDatasetOptions, type LoadedDataset, type FieldMapping } from './data/dataset/load-dataset.js';
export { sortedLabelMap, labelMapFromLabel2Id, indexLabelMap, type LabelMap } from './data/labels/label-map.js';
export { SeededRandom } from './data/random/seeded-random.js';
export { BatchSampler, type BatchSamplerOptions, type BatchSamplerState } from './data/batching/batch-sampler.js';
export { disposeBatch, type Collator, type CollatedBatch } from './data/collate/collator.js';
export { PaddingCollator, type PaddingCollatorOptions, type EncodedExample, type EncodeFn } from './data/collate/padding-collator.js';
export { tokenizerCollator, type TokenizerCollatorOptions } from './data/collate/tokenizer-collator.js';
// Transfer strategies: specs from the command line, typed options, plugin modules.
export type { Parametrization } from './nn/parameter-store.js';
export { parseStrategySpec, formatStrategySpec, type StrategySpec } from './transfer/strategy-spec.js';
export { StrategyOptions } from './transfer/strategy-options.js';
export { createStrategies } from './transfer/create-strategies.js';
export { loadPluginModule } from './transfer/load-plugin-module.js';
export type { EncoderOutput } from './models/encoder.js';
// Masked-LM pretraining: masking collator and WordPiece tokenizer training.
export type { CollateContext } from './data/collate/collator.js';
export { MaskedLmCollator, type MaskedLmCollatorOptions } from './data/collate/masked-lm/masked-lm-collator.js';
export { IGNORE_INDEX, choosePositions, maskSequence, type MaskingOptions, type MaskedSequence } from './data/collate/masked-lm/mask-tokens.js';
export { wordBoundaryOf, wordIds, type WordBoundary } from './data/collate/masked-lm/word-boundaries.js';
export { learnSubwords, type LearnSubwordsOptions } from './tokenization/training/learn-subwords.js';
export {
  trainWordPieceTokenizer,
  BERT_SPECIAL_TOKENS,
  type WordPieceTrainingOptions,
  type TrainedTokenizerFiles,
} from './tokenization/training/train-wordpiece.js';
// Transferability scores: LogME, LEEP, H-score, kNN accuracy on frozen features; Kendall τ.
export type { FeatureRows } from './transfer/scores/score-inputs.js';
export { logMe, type LogMeOptions } from './transfer/scores/logme.js';
export { leep } from './transfer/scores/leep.js';
export { hScore } from './transfer/scores/h-score.js';
export { knnAccuracy, type KnnOptions } from './transfer/scores/knn-accuracy.js';
export { kendallTau } from './transfer/scores/kendall-tau.js';
export { frozenOutputs, type Pooling, type FrozenOutputs, type FrozenOutputsOptions } from './transfer/scores/features.js';
// ONNX export of sequence classifiers (graph written op by op; onnxruntime runs it).
export { exportOnnx, writeOnnx, ONNX_OPSET, type OnnxExportOptions } from './export/onnx/export-onnx.js';
export { runTransferExperiment, summarise as summariseTransfer, budgetCount, TRANSFER_CONDITIONS, type TransferCondition, type TransferTask, type TransferExperimentOptions, type TransferEvent, type TransferRun, type TransferSummaryRow, type TransferResults, type BudgetSampler } from './transfer/experiment/run-transfer.js';
export { meanStd, gainPoints, relativeErrorReduction, dataEfficiency, type CurvePoint, type DataEfficiency } from './transfer/experiment/transfer-metrics.js';
export { TL_ADAMW_UPDATE, hasAdamWKernel, runAdamWKernel, type AdamWKernelInputs, type AdamWKernelAttrs } from './training/optim/adamw-kernel.js';
export { TL_DROPOUT, dropoutHash, dropoutKeys, dropoutThreshold, dropoutMaskReference, hasDropoutKernel, runDropoutKernel, type DropoutKernelAttrs } from './nn/dropout-kernel.js';
export { layerNorm } from './nn/layer-norm.js';
export { tfjsSeed } from './nn/tfjs-seed.js';
export { TL_LAYER_NORM, TL_LAYER_NORM_BACKWARD, hasLayerNormKernels, runLayerNormKernel, type LayerNormKernelAttrs } from './nn/layer-norm-kernel.js';
export { TL_GELU, TL_GELU_BACKWARD, hasGeluKernels, runGeluKernel } from './nn/gelu-kernel.js';
export { activation, type Activation } from './nn/activations.js';
// Loading an HF folder over HTTP (what the browser entry, browser.ts, offers instead of local folders).
export { fetchModelConfig, loadModelFromUrl } from './models/fetch-model.js';
export { fromUrl, type FromUrlOptions, type PretrainedFromUrl } from './pretrained/from-url.js';
export { fetchCheckpointWeights } from './io/checkpoint/fetch-weights.js';
