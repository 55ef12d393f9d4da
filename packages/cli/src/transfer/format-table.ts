import { formatMarkdownTable, type TransferResults } from '@tl/core';

const pct = (x: number) => (100 * x).toFixed(1);
const signed = (x: number, digits = 1) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

/** The Markdown table `tl transfer` prints: accuracy mean ± std per condition and budget, and the scores against scratch. */
export function formatTransferTable(results: TransferResults): string {
  const rows = results.summary.map((row) => {
    const gain = row.gainPoints === undefined ? '—' : signed(row.gainPoints);
    const rer = row.relativeErrorReduction === undefined || row.relativeErrorReduction === null ? '—' : `${signed(100 * row.relativeErrorReduction, 0)}%`;
    return [row.condition, row.budget, row.trainSize, `${pct(row.accuracy.mean)} ± ${pct(row.accuracy.std)}`, row.accuracy.n, gain, rer];
  });
  const header = ['condition', 'budget', 'examples', 'accuracy % (mean ± std)', 'seeds', 'gain (points)', 'error reduction'];
  const lines = [formatMarkdownTable(header, rows, { align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'] })];
  const efficiency = Object.entries(results.dataEfficiency);
  if (efficiency.length > 0) {
    lines.push('', `Data efficiency (fraction of the target labels needed to match scratch at budget ${efficiency[0]![1].referenceBudget}, accuracy ${pct(efficiency[0]![1].target)}%):`);
    for (const [condition, e] of efficiency) {
      lines.push(`- ${condition}: ${e.fraction === null ? 'not reached at the budgets measured' : `${e.atMost ? '≤ ' : ''}${(100 * e.fraction).toFixed(1)}%`}`);
    }
  }
  return lines.join('\n');
}
