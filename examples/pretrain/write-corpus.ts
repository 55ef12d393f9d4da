/**
 * Writes the pretraining corpus of the bert-small recipe: WordNet 3.1 glosses (definition; usage
 * examples), one per line, from the synsets of the train split only, so a model pretrained on it has
 * seen no text of the WordNet tasks' validation and test splits.
 *
 *     tsx examples/pretrain/write-corpus.ts corpus.txt
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { splitOf, WordNet } from '@tl/datasets';

export async function writeWordNetCorpus(path: string): Promise<number> {
  const wordnet = await WordNet.load();
  const lines = wordnet.synsets
    .filter((s) => s.definition.length > 0 && splitOf(s.id) === 'train')
    .map((s) => (s.examples.length > 0 ? `${s.definition}; ${s.examples.join('; ')}` : s.definition));
  await writeFile(path, lines.join('\n') + '\n');
  return lines.length;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const path = process.argv[2];
  if (!path) {
    process.stderr.write('usage: tsx examples/pretrain/write-corpus.ts OUT.txt\n');
    process.exit(2);
  }
  const n = await writeWordNetCorpus(path);
  process.stderr.write(`wrote ${n} glosses to ${path}\n`);
}
