import { markdownTable } from 'markdown-table';

/** Column alignment: left for names, right for numbers. */
export type ColumnAlign = 'left' | 'right';

export interface MarkdownTableOptions {
  /** One per column; columns without one are left-aligned. */
  readonly align?: readonly ColumnAlign[];
}

/**
 * The one Markdown (GFM) table writer of tl's reports (`tl evaluate`, `tl transfer`, the demo
 * report, the benchmarks), on `markdown-table`. Every cell is escaped here, because that library
 * writes cells as given: a `|` in a label name would split its cell, a line break would end the
 * row. Rows are not padded to align (`alignDelimiters: false`), so a row stays one greppable line.
 */
export function formatMarkdownTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  options: MarkdownTableOptions = {},
): string {
  const align = header.map((_, i) => (options.align?.[i] === 'right' ? 'r' : 'l'));
  return markdownTable([header, ...rows].map((row) => row.map(markdownCell)), { align, alignDelimiters: false });
}

/** Text as one table cell: `|` escaped (GFM's rule, also inside code spans), line breaks as spaces. */
export function markdownCell(value: string | number): string {
  return String(value).replaceAll('|', '\\|').replace(/\r\n|\r|\n/g, ' ');
}
