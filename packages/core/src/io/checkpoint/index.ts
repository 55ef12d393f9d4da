export {
  CONFIG_FILE,
  SAFE_WEIGHTS_FILE,
  SAFE_WEIGHTS_INDEX_FILE,
  TOKENIZER_FILE,
  TOKENIZER_CONFIG_FILE,
  SPECIAL_TOKENS_MAP_FILE,
  VOCAB_FILE,
} from './file-names.js';
export { readCheckpointFolder, type CheckpointFolder, type ReadCheckpointOptions } from './read-checkpoint.js';
export { readCheckpointWeights } from './read-weights.js';
export { writeCheckpointFolder, type WriteCheckpointOptions } from './write-checkpoint.js';
