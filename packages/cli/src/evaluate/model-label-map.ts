import { labelMapFromLabel2Id, TlError, type LabelMap } from '@tl/core';

/**
 * The label map a fine-tuned classifier was saved with, read from its config.json as HF reads it:
 * `id2label` decides the classes (num_labels = its size), and without one `num_labels` (default 2)
 * gives HF's `LABEL_i` names. Read from the config alone, so the data can be checked against it
 * before the weights are loaded.
 */
export function modelLabelMap(config: Readonly<Record<string, unknown>>, source: string): LabelMap {
  const problemType = config['problem_type'];
  if (problemType !== undefined && problemType !== null && problemType !== 'single_label_classification') {
    throw new TlError('CONFIG', `${source}: problem_type "${String(problemType)}": tl evaluate measures single-label classifiers only`);
  }
  const raw = config['id2label'];
  const id2label: Record<string, unknown> =
    raw !== undefined && raw !== null && typeof raw === 'object'
      ? (raw as Record<string, unknown>)
      : Object.fromEntries(Array.from({ length: numLabelsOf(config, source) }, (_, i) => [String(i), `LABEL_${i}`]));
  const label2id: Record<string, number> = {};
  for (const [id, name] of Object.entries(id2label)) {
    if (typeof name !== 'string') throw new TlError('CONFIG', `${source}: id2label["${id}"] must be a string, got ${JSON.stringify(name)}`);
    // Two classes with one name would make every name lookup ambiguous.
    if (Object.hasOwn(label2id, name)) throw new TlError('CONFIG', `${source}: id2label names "${name}" twice (ids ${label2id[name]} and ${id})`);
    label2id[name] = Number(id);
  }
  const map = labelMapFromLabel2Id(label2id, `${source} id2label`);
  if (map.numLabels < 2) {
    throw new TlError('CONFIG', `${source}: ${map.numLabels} label (a regression head); tl evaluate measures classifiers with 2 or more labels`);
  }
  return map;
}

function numLabelsOf(config: Readonly<Record<string, unknown>>, source: string): number {
  const n = config['num_labels'] ?? 2;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new TlError('CONFIG', `${source}: num_labels must be a positive integer, got ${JSON.stringify(n)}`);
  return n;
}
