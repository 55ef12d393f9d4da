import { TlError } from '../../errors/tl-error.js';

/**
 * How class indices and label names correspond, in HF config terms (`id2label` keys are strings of
 * indices in config.json; here they are numbers).
 */
export interface LabelMap {
  readonly numLabels: number;
  readonly id2label: Readonly<Record<number, string>>;
  readonly label2id: Readonly<Record<string, number>>;
}

/** Python's `sorted()` order for str (code point order), which HF's run_glue uses for label lists. */
function codePointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** A label map from label names, sorted as HF sorts them, so the same data gives the same indices. */
export function sortedLabelMap(names: Iterable<string>): LabelMap {
  const sorted = [...new Set(names)].sort(codePointCompare);
  return fromNames(sorted);
}

/** A label map from a checkpoint's `label2id`; indices must be 0..n-1 without gaps or repeats. */
export function labelMapFromLabel2Id(label2id: Readonly<Record<string, number>>, source = 'label2id'): LabelMap {
  const entries = Object.entries(label2id);
  const id2label: Record<number, string> = {};
  for (const [name, id] of entries) {
    if (!Number.isInteger(id) || id < 0 || id >= entries.length) {
      throw new TlError('CONFIG', `${source}: label "${name}" has index ${id}, outside 0..${entries.length - 1}`);
    }
    if (id2label[id] !== undefined) throw new TlError('CONFIG', `${source}: labels "${id2label[id]}" and "${name}" share index ${id}`);
    id2label[id] = name;
  }
  return { numLabels: entries.length, id2label, label2id: { ...label2id } };
}

/** The map for integer class labels without names: HF's default `LABEL_i`. */
export function indexLabelMap(numLabels: number): LabelMap {
  return fromNames(Array.from({ length: numLabels }, (_, i) => `LABEL_${i}`));
}

function fromNames(names: readonly string[]): LabelMap {
  return {
    numLabels: names.length,
    id2label: Object.fromEntries(names.map((n, i) => [i, n])),
    label2id: Object.fromEntries(names.map((n, i) => [n, i])),
  };
}
