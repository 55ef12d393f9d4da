import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '@tl/core';

/**
 * Generic JSONL made here, nothing from the bundled tasks: a source task (3 named classes, single
 * texts) and a target task of text pairs with integer labels under other field names
 * (`sentence`, `second`, `y`), so `tl transfer` is seen reading any classification data the flags
 * describe. Toy sized: a whole transfer grid on the bert-mlm fixture takes seconds.
 */
function lines(n: number, seed: number, make: (rng: SeededRandom, i: number) => Record<string, unknown>): string {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, (_, i) => JSON.stringify(make(rng, i))).join('\n') + '\n';
}
const filler = ['the', 'software', 'license', 'any', 'person', 'use', 'copy', 'modify', 'notice', 'shall', 'be', 'included'];
const words = (rng: SeededRandom, n: number) => Array.from({ length: n }, () => filler[rng.int(filler.length)]!).join(' ');

export interface TransferTaskFiles {
  readonly source: string;
  readonly targetTrain: string;
  readonly targetTest: string;
  /** The field flags the files need. */
  readonly fieldFlags: readonly string[];
}

/** Writes source.jsonl (60), target-train.jsonl (80) and target-test.jsonl (40) into `dir`. */
export function writeTransferTask(dir: string): TransferTaskFiles {
  const cue = ['permission', 'warranty', 'copyright'];
  const files = { source: join(dir, 'source.jsonl'), targetTrain: join(dir, 'target-train.jsonl'), targetTest: join(dir, 'target-test.jsonl') };
  writeFileSync(files.source, lines(60, 1, (rng, i) => ({ sentence: `${words(rng, 5)} ${cue[i % 3]}`, second: words(rng, 3), y: ['grant', 'disclaim', 'own'][i % 3] })));
  const pair = (rng: SeededRandom, i: number) => ({ sentence: `${words(rng, 4)} ${i % 2 ? 'free' : 'liability'}`, second: words(rng, 4), y: i % 2 });
  writeFileSync(files.targetTrain, lines(80, 2, pair));
  writeFileSync(files.targetTest, lines(40, 3, pair));
  return { ...files, fieldFlags: ['--text-field', 'sentence', '--text-pair-field', 'second', '--label-field', 'y'] };
}
