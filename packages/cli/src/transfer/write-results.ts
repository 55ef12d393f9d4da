import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TransferResults } from '@tl/core';
import { formatTransferTable } from './format-table.js';

/** `<outputDir>/results.json`, whichever way the runs ran (this process or queue workers). */
export async function saveTransferResults(outputDir: string, results: TransferResults): Promise<string> {
  await mkdir(outputDir, { recursive: true });
  const path = join(outputDir, 'results.json');
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}

/** Runs that failed for good, one line each on stderr. */
export function reportMissingRuns(results: TransferResults): void {
  for (const m of results.missing ?? []) process.stderr.write(`tl: missing: ${m.condition} budget ${m.budget} seed ${m.seed}: ${m.error}\n`);
}

/** What `tl transfer` leaves behind: results.json, the table on stdout, the missing runs on stderr. */
export async function writeTransferResults(outputDir: string, results: TransferResults): Promise<void> {
  const path = await saveTransferResults(outputDir, results);
  process.stdout.write(`${formatTransferTable(results)}\n`);
  reportMissingRuns(results);
  process.stderr.write(`tl: results in ${path}\n`);
}
