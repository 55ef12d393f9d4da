import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { ProgressBar, runTransferExperiment, TlError, type TransferResults } from '@tl/core';
import { engineFor } from '../runtime/backend.js';
import { expandSweep, formatSweepTable, parseGridAxis, rankSweep, type GridAxis } from '../transfer/strategy-grid.js';
import { prepareTransfer } from '../transfer/transfer-spec.js';
import { reportMissingRuns, saveTransferResults } from '../transfer/write-results.js';
import { addTransferOptions, transferSpecFromFlags, type TransferFlags } from './transfer.js';

interface SweepFlags extends TransferFlags {
  grid: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `tl sweep`: `tl transfer`'s experiment once per cell of a grid over strategies and hyperparameters
 * (lr × LLRD decay × freeze depth, ...), each cell in `<output-dir>/cells/<cell>/` with its own
 * results.json, then the cells ranked in `<output-dir>/sweep.json` and a table. With `--queue`, every
 * run of every cell goes on the same queue at once.
 */
export function sweepCommand(): Command {
  return addTransferOptions(new Command('sweep').description('a grid over strategies and hyperparameters, each cell a transfer experiment; ranks the cells'))
    .requiredOption('--grid <axis>', 'an axis: FLAG=V1,V2 (lr, weight-decay, epochs, warmup-ratio, batch-size) or STRATEGY:KEY=V1,V2 (e.g. llrd:decay=0.8,0.9); repeatable', collect, [])
    .addHelpText('after', "\nConditions default to the transferred ones (pretrained, and intermediate with --source-train): strategies do\nnot apply to scratch. Cells rank by mean accuracy over their runs (all budgets and seeds).")
    .action(async (flags: SweepFlags) => {
      const axes: GridAxis[] = flags.grid.map(parseGridAxis);
      const base = transferSpecFromFlags({ ...flags, conditions: flags.conditions ?? (flags.sourceTrain ? 'pretrained,intermediate' : 'pretrained') });
      const cells = expandSweep(base, axes);
      if (cells.length < 2) throw new TlError('CONFIG', '--grid: a sweep needs at least two cells (give an axis two values)');
      process.stderr.write(`tl: sweep: ${cells.length} cells (${axes.map((a) => `${a.label} × ${a.values.length}`).join(', ')})\n`);
      let results: TransferResults[];
      if (flags.queue) {
        const { runGridsOnQueue } = await import('../queue/submit-grid.js');
        results = (await runGridsOnQueue(flags.queue, cells.map((c) => c.spec))).map((g) => g.results);
      } else {
        await engineFor(flags.backend);
        results = [];
        for (const cell of cells) {
          process.stderr.write(`tl: sweep: cell ${results.length + 1}/${cells.length}: ${cell.name}\n`);
          results.push(await runTransferExperiment({ ...(await prepareTransfer(cell.spec)), callbacks: () => [new ProgressBar()] }));
        }
      }
      for (const [i, cell] of cells.entries()) await saveTransferResults(cell.spec.outputDir, results[i]!);
      const ranked = rankSweep(cells, results);
      await mkdir(flags.outputDir, { recursive: true });
      const path = join(flags.outputDir, 'sweep.json');
      await writeFile(path, `${JSON.stringify({ axes: axes.map((a) => ({ axis: a.label, values: a.values })), ranking: ranked }, null, 2)}\n`);
      process.stdout.write(`${formatSweepTable(ranked)}\n`);
      results.forEach(reportMissingRuns);
      process.stderr.write(`tl: sweep ranking in ${path}\n`);
      const missing = results.reduce((n, r) => n + (r.missing?.length ?? 0), 0);
      if (missing > 0) throw new TlError('QUEUE', `${missing} runs of the sweep failed for good (listed above); the ranking uses the others`);
    });
}
