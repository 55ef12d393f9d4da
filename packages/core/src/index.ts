/**
 * @tl/core for Node: everything the browser entry exports (browser.ts: engines, models, tokenizers,
 * the Trainer, strategy contracts, scores), plus what reads or writes local files or the terminal:
 * HF folders and the Hub cache, safetensors and checkpoint files, datasets from files, JSONL logging,
 * the progress bar, ONNX export, transfer experiments, plugin loading by path.
 */
import 'reflect-metadata';

export * from './browser.js';

// HF folders, the Hub cache, safetensors and atomic files.
export { loadModel, readModelConfig } from './models/load-model.js';
export { fromPretrained, type FromPretrainedOptions } from './pretrained/from-pretrained.js';
export { savePretrained, modelTensors, type SaveOptions } from './pretrained/save-pretrained.js';
// (Parsing, encoding, dtypes and file names are in the browser entry; these read or write files.)
export { readSafetensorsFile } from './io/safetensors/read-file.js';
export { readCheckpointFolder, type CheckpointFolder, type ReadCheckpointOptions } from './io/checkpoint/read-checkpoint.js';
export { readCheckpointWeights } from './io/checkpoint/read-weights.js';
export { writeCheckpointFolder, type WriteCheckpointOptions } from './io/checkpoint/write-checkpoint.js';
export * from './io/hub/index.js';
export { writeFileAtomic } from './io/fs/atomic-write.js';
export { formatMarkdownTable, markdownCell, type ColumnAlign, type MarkdownTableOptions } from './io/text/markdown-table.js';
// Datasets from JSONL/CSV/TSV files.
export { readRecords, parseRecords, formatFromPath, type SourceRecord, type RecordFormat } from './data/records/read-records.js';
export { loadDataset, parseDataset, type LoadDatasetOptions, type LoadedDataset, type FieldMapping } from './data/dataset/load-dataset.js';
export { requireEveryClassPresent } from './data/dataset/class-coverage.js';
// Trainer checkpoints and the callbacks that write files or draw on the terminal.
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
export { itemProgress, ProgressBar, progressBar, type Progress, type ProgressBarOptions, type ProgressOptions } from './training/callbacks/progress-bar.js';
export { JsonlMetricsLogger } from './training/callbacks/jsonl-metrics-logger.js';
export { Checkpointing, type CheckpointingOptions } from './training/callbacks/checkpointing.js';
// Strategy plugins by path, transfer experiments, ONNX export.
export { loadPluginModule } from './transfer/load-plugin-module.js';
export {
  runTransferExperiment,
  summarise as summariseTransfer,
  budgetCount,
  planTransfer,
  transferRunner,
  transferResults,
  transferRunName,
  sourceModelDir,
  startTransferLog,
  appendTransferLog,
  transferLogPath,
  TRANSFER_CONDITIONS,
  type TransferCell,
  type TransferPlan,
  type TransferRunner,
  type MissingTransferRun,
  type TransferCondition,
  type TransferTask,
  type TransferExperimentOptions,
  type TransferEvent,
  type TransferRun,
  type TransferSummaryRow,
  type TransferResults,
  type BudgetSampler,
} from './transfer/experiment/run-transfer.js';
export { exportOnnx, writeOnnx, ONNX_OPSET, type OnnxExportOptions } from './export/onnx/export-onnx.js';
