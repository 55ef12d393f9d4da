import { labelMapFromLabel2Id, loadDataset, taskFromArchitectures, type FieldMapping, type LoadedDataset, type LabelMap } from '@tl/core';

/** HF's placeholder names: a config with only these has no real label names. */
const PLACEHOLDER = /^LABEL_\d+$/;

/**
 * Chooses the label map for fine-tuning, as DESIGN.md's CLI contract says: integer labels are class
 * indices (checked against the checkpoint's head when it has one); string labels map through the
 * checkpoint's label2id when it has real names, else a sorted map is built (and saved in config.json).
 * Every unknown or out-of-range label is an error naming its file and line.
 */
export async function loadTrainingData(
  trainPath: string,
  evalPath: string | undefined,
  fields: FieldMapping,
  checkpointConfig: Readonly<Record<string, unknown>>,
): Promise<{ train: LoadedDataset; evaluation?: LoadedDataset; labelMap: LabelMap }> {
  const probe = await loadDataset(trainPath, fields);
  const label2id = checkpointConfig['label2id'] as Record<string, number> | undefined;
  const hasHead = taskFromArchitectures(checkpointConfig['architectures']) === 'sequence-classification';
  const checkpointMap = label2id && Object.keys(label2id).length > 0 ? labelMapFromLabel2Id(label2id, 'config.json label2id') : undefined;
  const named = checkpointMap !== undefined && !Object.keys(checkpointMap.label2id).every((n) => PLACEHOLDER.test(n));

  let labelMap = probe.labelMap;
  if (probe.labelKind === 'name' && named) labelMap = checkpointMap!;
  if (probe.labelKind === 'index' && hasHead && checkpointMap && checkpointMap.numLabels >= probe.labelMap.numLabels) {
    labelMap = checkpointMap;
  }
  const train = labelMap === probe.labelMap ? probe : await loadDataset(trainPath, { ...fields, labelMap });
  const evaluation = evalPath ? await loadDataset(evalPath, { ...fields, labelMap }) : undefined;
  return { train, evaluation, labelMap };
}

/** config.json wants string keys for id2label. */
export function id2labelForConfig(map: LabelMap): Record<string, string> {
  return Object.fromEntries(Object.entries(map.id2label).map(([i, n]) => [String(i), n]));
}
