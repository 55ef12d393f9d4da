import { Command } from 'commander';
import { evaluateCommand } from './commands/evaluate.js';
import { finetuneCommand } from './commands/finetune.js';
import { predictCommand } from './commands/predict.js';
import { pretrainCommand } from './commands/pretrain.js';
import { scoreCommand } from './commands/score.js';
import { exportCommand } from './commands/export.js';
import { transferCommand } from './commands/transfer.js';
import { sweepCommand } from './commands/sweep.js';
import { workerCommand } from './commands/worker.js';

/** The `tl` command tree; each subcommand lives in commands/. */
export function buildProgram(): Command {
  return new Command('tl')
    .description('transfer learning for NLP in TypeScript: load, fine-tune, transfer and measure HF encoders')
    .option('--verbose', 'print stack traces with errors')
    .showHelpAfterError()
    .addCommand(predictCommand())
    .addCommand(finetuneCommand())
    .addCommand(evaluateCommand())
    .addCommand(pretrainCommand())
    .addCommand(scoreCommand())
    .addCommand(exportCommand())
    .addCommand(transferCommand())
    .addCommand(sweepCommand())
    .addCommand(workerCommand());
}
