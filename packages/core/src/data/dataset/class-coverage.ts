import { TlError } from '../../errors/tl-error.js';
import type { LoadedDataset } from './load-dataset.js';

/**
 * When the number of classes is read off integer labels (the largest + 1), one mistyped label (1000
 * among 0..3) quietly makes a 1001-class head. So a class count taken from the data must be
 * confirmed by the data: every index 0..K-1 has an example. Otherwise this throws, naming the line of
 * the largest label (the likely typo) and the classes without examples; `remedy` says how a user
 * states the class count instead (e.g. a `--num-labels` flag), when the caller offers one.
 */
export function requireEveryClassPresent(dataset: LoadedDataset, remedy?: string): void {
  if (dataset.labelKind !== 'index') return;
  const k = dataset.labelMap.numLabels;
  const seen = new Uint8Array(k);
  let largestAt = 0;
  dataset.examples.forEach((e, i) => {
    seen[e.label] = 1;
    if (e.label > dataset.examples[largestAt]!.label) largestAt = i;
  });
  const missing: number[] = [];
  for (let c = 0; c < k; c++) if (seen[c] === 0) missing.push(c);
  if (missing.length === 0) return;
  const largest = dataset.examples[largestAt]!.label;
  throw new TlError(
    'INPUT',
    `${dataset.source}:${dataset.lines[largestAt]}: label ${largest} makes ${k} classes, but ${missing.length} of them have no example ` +
      `(${classRanges(missing)}); class indices must be 0..K-1 with every class present${remedy ? `, ${remedy}` : ''}`,
  );
}

/** `[0, 4, 5, 6, 9]` → `0, 4..6, 9` (at most 5 ranges, then the count of the rest). */
function classRanges(ids: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    ranges.push(i === j ? `${ids[i]}` : `${ids[i]}..${ids[j]}`);
    i = j + 1;
  }
  return ranges.length > 5 ? `${ranges.slice(0, 5).join(', ')}, ... ${ranges.length - 5} more` : ranges.join(', ');
}
