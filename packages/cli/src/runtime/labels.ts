import {
  formatFromPath,
  labelMapFromLabel2Id,
  loadDataset,
  requireEveryClassPresent,
  taskFromArchitectures,
  TlError,
  type FieldMapping,
  type LabelMap,
  type LoadedDataset,
} from '@tl/core';

/** HF's placeholder names: a config with only these has no real label names. */
const PLACEHOLDER = /^LABEL_\d+$/;
/** What core's CSV/TSV reader takes for a class index. */
const INTEGER = /^\s*-?\d+\s*$/;

/** How the number of classes may be given instead of read off integer labels. */
export interface ClassCountOptions {
  /** `--num-labels K`: a head of K classes for integer labels 0..K-1, some of which the data may lack. */
  readonly numLabels?: number;
  /** How the user gives a class count, appended to the error for classes without examples. */
  readonly remedy?: string;
}

/**
 * Chooses the label map for fine-tuning, as DESIGN.md's CLI contract says: integer labels are class
 * indices (checked against the checkpoint's head when it has one); string labels map through the
 * checkpoint's label2id when it has real names, else a sorted map is built (and saved in config.json).
 * Every unknown or out-of-range label is an error naming its file and line, and so are integer labels
 * that leave classes without examples when the class count is read off them (a mistyped 1000 would
 * make a 1001-class head); `--num-labels` states the count instead.
 *
 * The training file is read once: what kind of labels it holds is only known after reading it, and
 * when the checkpoint's map applies the examples are relabelled in memory (`relabel`).
 */
export async function loadTrainingData(
  trainPath: string,
  evalPath: string | undefined,
  fields: FieldMapping,
  checkpointConfig: Readonly<Record<string, unknown>>,
  classes: ClassCountOptions = {},
): Promise<{ train: LoadedDataset; evaluation?: LoadedDataset; labelMap: LabelMap }> {
  const probe = await loadDataset(trainPath, { ...fields, ...(classes.numLabels !== undefined && { numLabels: classes.numLabels }) });
  if (classes.numLabels !== undefined) {
    if (probe.labelKind !== 'index') throw new TlError('CONFIG', `--num-labels: ${trainPath} holds label names, not class indices; the names give the classes`);
    const evaluation = evalPath ? await loadDataset(evalPath, { ...fields, labelMap: probe.labelMap }) : undefined;
    return { train: probe, evaluation, labelMap: probe.labelMap };
  }
  const label2id = checkpointConfig['label2id'] as Record<string, number> | undefined;
  const hasHead = taskFromArchitectures(checkpointConfig['architectures']) === 'sequence-classification';
  const checkpointMap = label2id && Object.keys(label2id).length > 0 ? labelMapFromLabel2Id(label2id, 'config.json label2id') : undefined;
  const named = checkpointMap !== undefined && !Object.keys(checkpointMap.label2id).every((n) => PLACEHOLDER.test(n));

  let labelMap = probe.labelMap;
  if (probe.labelKind === 'name' && named) labelMap = checkpointMap!;
  if (probe.labelKind === 'index' && hasHead && checkpointMap && checkpointMap.numLabels >= probe.labelMap.numLabels) {
    labelMap = checkpointMap;
  }
  // Classes counted off the data (not a checkpoint's head) must all occur in it: a typo must not make the head.
  if (labelMap === probe.labelMap) requireEveryClassPresent(probe, classes.remedy);
  const train =
    labelMap === probe.labelMap ? probe : (relabel(probe, labelMap) ?? (await loadDataset(trainPath, { ...fields, labelMap })));
  const evaluation = evalPath ? await loadDataset(evalPath, { ...fields, labelMap }) : undefined;
  return { train, evaluation, labelMap };
}

/**
 * The dataset as `loadDataset(path, { labelMap: target })` would return it, made from the examples
 * already read. Returns undefined where that is not certain, and the caller reads the file again with
 * the map: a name the map lacks (core's reader then reports it with its file and line), or a CSV/TSV
 * file whose integer-looking labels the map lists as names (core reads those as names, not indices).
 */
export function relabel(data: LoadedDataset, target: LabelMap): LoadedDataset | undefined {
  if (data.labelKind === 'regression') return undefined;
  if (data.labelKind === 'index') {
    const delimited = formatFromPath(data.source) !== 'jsonl';
    if (delimited && Object.keys(target.label2id).some((n) => INTEGER.test(n))) return undefined;
    // Indices stay what they are; the map only has to cover them.
    if (data.examples.some((e) => e.label >= target.numLabels)) return undefined;
    return { ...data, labelMap: target };
  }
  const ids: number[] = [];
  for (const e of data.examples) {
    const id = target.label2id[data.labelMap.id2label[e.label]!];
    if (id === undefined) return undefined;
    ids.push(id);
  }
  return { ...data, examples: data.examples.map((e, i) => ({ ...e, label: ids[i]! })), labelMap: target };
}

/** config.json wants string keys for id2label. */
export function id2labelForConfig(map: LabelMap): Record<string, string> {
  return Object.fromEntries(Object.entries(map.id2label).map(([i, n]) => [String(i), n]));
}
