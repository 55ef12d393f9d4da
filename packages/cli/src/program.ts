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
  const program = new Command('tl')
    .description('transfer learning for NLP in TypeScript: load, fine-tune, transfer and measure HF encoders')
    .option('--verbose', 'print stack traces with errors')
    .addCommand(predictCommand())
    .addCommand(finetuneCommand())
    .addCommand(evaluateCommand())
    .addCommand(pretrainCommand())
    .addCommand(scoreCommand())
    .addCommand(exportCommand())
    .addCommand(transferCommand())
    .addCommand(sweepCommand())
    .addCommand(workerCommand());
  reportParseErrorsAsTl(program, 'tl');
  return program;
}

/**
 * commander's own errors (a bad flag value, an unknown or missing option) in the one-line
 * `tl: error: ...` form every other failure uses. `addCommand` does not pass output settings on to
 * subcommands, so each one is configured here.
 */
function reportParseErrorsAsTl(command: Command, path: string): void {
  command.configureOutput({
    outputError: (message, write) => write(`tl: error: ${message.replace(/^error: /, '').trimEnd()} (see ${path} --help)\n`),
  });
  for (const sub of command.commands) reportParseErrorsAsTl(sub, `${path} ${sub.name()}`);
}
