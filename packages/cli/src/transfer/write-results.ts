import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TransferResults } from '@tl/core';
import { formatTransferTable } from './format-table.js';

/**
 * What `tl transfer` leaves behind, whichever way its runs ran (this process or queue workers):
 * `<outputDir>/results.json` and the table on stdout. Runs that failed for good are listed on stderr.
 */
export async function writeTransferResults(outputDir: string, results: TransferResults): Promise<void> {
  await mkdir(outputDir, { recursive: true });
  await writeFile(join(outputDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${formatTransferTable(results)}\n`);
  for (const m of results.missing ?? []) {
    process.stderr.write(`tl: missing: ${m.condition} budget ${m.budget} seed ${m.seed}: ${m.error}\n`);
  }
  process.stderr.write(`tl: results in ${join(outputDir, 'results.json')}\n`);
}
