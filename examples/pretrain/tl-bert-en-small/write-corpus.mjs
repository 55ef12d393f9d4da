// Writes tl's pretraining corpus (@tl/datasets buildPretrainingCorpus: Brown, nlp-corpus, GCIDE,
// WordNet, SpamAssassin; deduplicated, downstream validation/test text excluded) as one document per
// line: <out>/train.txt, <out>/heldout.txt and <out>/corpus.json (counts per source, licences).
//
//   node examples/pretrain/tl-bert-en-small/write-corpus.mjs OUT_DIR
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPretrainingCorpus, CORPUS_SOURCES } from '@tl/datasets';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: node examples/pretrain/tl-bert-en-small/write-corpus.mjs OUT_DIR\n');
  process.exit(2);
}
const heldoutFraction = Number(process.env.HELDOUT_FRACTION ?? 0.003);
const corpus = await buildPretrainingCorpus({ heldoutFraction, onSource: (name) => process.stderr.write(`corpus: reading ${name}\n`) });
await mkdir(out, { recursive: true });
// A document's own line breaks would split it into several "documents" for the packer.
const lines = (docs) => docs.map((d) => d.text.replace(/\s*\n\s*/g, ' ')).join('\n') + '\n';
await writeFile(join(out, 'train.txt'), lines(corpus.train));
await writeFile(join(out, 'heldout.txt'), lines(corpus.heldout));
const words = Object.values(corpus.stats).reduce((n, s) => n + s.words, 0);
const manifest = {
  documents: { train: corpus.train.length, heldout: corpus.heldout.length },
  words,
  sources: Object.fromEntries(Object.entries(corpus.stats).map(([name, s]) => [name, { ...CORPUS_SOURCES[name], ...s }])),
};
await writeFile(join(out, 'corpus.json'), JSON.stringify(manifest, null, 2) + '\n');
process.stderr.write(`corpus: ${corpus.train.length} train and ${corpus.heldout.length} held-out documents, ${words} words, in ${out}\n`);
