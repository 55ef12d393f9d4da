/** Joins HF state-dict path segments, skipping an empty base prefix (bare `BertModel` checkpoints). */
export function joinName(...parts: string[]): string {
  return parts.filter((p) => p.length > 0).join('.');
}
