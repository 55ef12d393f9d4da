import { TlError } from '../../errors/tl-error.js';
import type { StrategyPhase, TransferStrategy } from '../../transfer/transfer-strategy.js';

const PHASE_ORDER: readonly StrategyPhase[] = ['initialise', 'data', 'optimisation', 'schedule'];

/**
 * Strategies in the order they act: by phase, then as declared. A pair where either names the other
 * in `conflictsWith`, or the same strategy twice, is refused here, before any step runs.
 */
export function orderStrategies(strategies: readonly TransferStrategy[]): TransferStrategy[] {
  const names = new Set<string>();
  for (const s of strategies) {
    if (!PHASE_ORDER.includes(s.phase)) {
      throw new TlError('STRATEGY', `strategy "${s.name}" has unknown phase "${s.phase}" (expected ${PHASE_ORDER.join(', ')})`);
    }
    if (names.has(s.name)) throw new TlError('STRATEGY', `strategy "${s.name}" is given twice`);
    names.add(s.name);
  }
  for (const s of strategies) {
    for (const other of s.conflictsWith ?? []) {
      if (names.has(other)) throw new TlError('STRATEGY', `strategies "${s.name}" and "${other}" cannot be combined ("${s.name}" conflicts with "${other}")`);
    }
  }
  return strategies
    .map((s, i) => ({ s, i }))
    .sort((a, b) => PHASE_ORDER.indexOf(a.s.phase) - PHASE_ORDER.indexOf(b.s.phase) || a.i - b.i)
    .map(({ s }) => s);
}
