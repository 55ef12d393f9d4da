import type { Model, ParameterGroup } from '@tl/core';

export type Depth = ReturnType<Model['depthOf']>;

/**
 * Layer groups counted from the top, as layer-wise methods count them: the head is 0, the top
 * encoder layer 1, ..., layer 0 is `numLayers`, and the embeddings `numLayers + 1`.
 */
export function depthFromTop(depth: Depth, numLayers: number): number {
  if (depth === 'head') return 0;
  if (depth === 'embeddings') return numLayers + 1;
  return numLayers - depth;
}

/** The suffix a depth-split group gets: `head`, `layer.3`, `embeddings`. */
export function depthLabel(depth: Depth): string {
  return typeof depth === 'number' ? `layer.${depth}` : depth;
}

/** The single depth of a group's parameters, or undefined if they span several (or none). */
export function groupDepth(group: ParameterGroup, model: Model): Depth | undefined {
  let found: Depth | undefined;
  for (const name of group.parameterNames) {
    const d = model.depthOf(name);
    if (found === undefined) found = d;
    else if (found !== d) return undefined;
  }
  return found;
}

/**
 * Splits every group that spans several depths into one group per depth (`decay` →
 * `decay/layer.3`, ...), keeping its settings, ordered head first. Groups of one depth are kept as
 * they are, so layer-wise strategies compose: each calls this and then adjusts by depth.
 */
export function splitGroupsByDepth(groups: readonly ParameterGroup[], model: Model): ParameterGroup[] {
  const out: ParameterGroup[] = [];
  for (const g of groups) {
    if (g.parameterNames.length === 0 || groupDepth(g, model) !== undefined) {
      out.push(g);
      continue;
    }
    const byDepth = new Map<string, { depth: Depth; names: string[] }>();
    for (const name of g.parameterNames) {
      const depth = model.depthOf(name);
      const key = depthLabel(depth);
      const entry = byDepth.get(key);
      if (entry) entry.names.push(name);
      else byDepth.set(key, { depth, names: [name] });
    }
    const parts = [...byDepth.values()].sort((a, b) => depthFromTop(a.depth, model.numLayers) - depthFromTop(b.depth, model.numLayers));
    for (const { depth, names } of parts) out.push({ ...g, name: `${g.name}/${depthLabel(depth)}`, parameterNames: names });
  }
  return out;
}

/** `depthFromTop` of a depth-split group (0 for a group that still spans several depths: treated as head). */
export function groupDepthFromTop(group: ParameterGroup, model: Model): number {
  const d = groupDepth(group, model);
  return d === undefined ? 0 : depthFromTop(d, model.numLayers);
}

/** Replaces the groups in place (the Trainer hands strategies its live array at epoch and step hooks). */
export function setTrainable(groups: ParameterGroup[], trainable: (g: ParameterGroup) => boolean): void {
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    const t = trainable(g);
    if (t !== g.trainable) groups[i] = { ...g, trainable: t };
  }
}
