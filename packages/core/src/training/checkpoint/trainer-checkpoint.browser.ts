import { TlError } from '../../errors/tl-error.js';
import { restoreParameters, toTensors } from './checkpoint-tensors.js';
import type * as NodeCheckpoint from './trainer-checkpoint.js';

/**
 * Trainer checkpoints in a browser, where this file replaces trainer-checkpoint.ts (package.json
 * "browser" field). A checkpoint is a folder of files written atomically (renames, fsync), which a
 * page does not have: saving and resuming say so. Everything else the Trainer does works the same.
 */
export type { TrainerStateFile, SaveTrainerCheckpointOptions, LoadedTrainerCheckpoint } from './trainer-checkpoint.js';
export { restoreParameters, toTensors };

// Typed as the Node module's literals, so the two cannot drift apart.
export const TRAINER_STATE_FILE: typeof NodeCheckpoint.TRAINER_STATE_FILE = 'trainer_state.json';
export const OPTIMIZER_FILE: typeof NodeCheckpoint.OPTIMIZER_FILE = 'optimizer.safetensors';
export const TRAINING_ARGS_FILE: typeof NodeCheckpoint.TRAINING_ARGS_FILE = 'training_args.json';

function noFileSystem(what: string, dir: string): TlError {
  return new TlError(
    'CHECKPOINT',
    `${dir}: ${what} needs a file system, which a browser page does not have; Trainer checkpoints (Checkpointing, saveCheckpoint, resumeFrom) run in Node`,
  );
}

export const saveTrainerCheckpoint: typeof NodeCheckpoint.saveTrainerCheckpoint = async (dir) => {
  throw noFileSystem('saving a Trainer checkpoint', dir);
};
export const readTrainerCheckpoint: typeof NodeCheckpoint.readTrainerCheckpoint = async (dir) => {
  throw noFileSystem('resuming from a Trainer checkpoint', dir);
};
export const listCheckpoints: typeof NodeCheckpoint.listCheckpoints = async (outputDir) => {
  throw noFileSystem('listing Trainer checkpoints', outputDir);
};
export const findLatestCheckpoint: typeof NodeCheckpoint.findLatestCheckpoint = async (outputDir) => {
  throw noFileSystem('finding the latest Trainer checkpoint', outputDir);
};
export const deleteCheckpoint: typeof NodeCheckpoint.deleteCheckpoint = async (dir) => {
  throw noFileSystem('deleting a Trainer checkpoint', dir);
};

// A compile-time check that this file exports everything trainer-checkpoint.ts does (type-only import: erased).
void ({
  TRAINER_STATE_FILE,
  OPTIMIZER_FILE,
  TRAINING_ARGS_FILE,
  saveTrainerCheckpoint,
  readTrainerCheckpoint,
  restoreParameters,
  toTensors,
  listCheckpoints,
  findLatestCheckpoint,
  deleteCheckpoint,
} satisfies typeof NodeCheckpoint);
