export { WordNet, wordnetDbPath } from './wordnet/wordnet.js';
export { LEXNAMES, type Lexname } from './wordnet/lexnames.js';
export { POS_NAMES, type Synset, type WordNetPos } from './wordnet/synset.js';
export { parseDataFile, parseDataLine, splitGloss } from './wordnet/parse-data-file.js';
export { splitOf, fnv1a, DEFAULT_SPLIT, type SplitName, type SplitFractions } from './splits/hash-split.js';
export { stratifiedSubsample, type StratifiedSubsampleOptions } from './sampling/stratified-subsample.js';
export { id2label, type TaskSplits } from './tasks/task-splits.js';
export { wordnetSupersenseTask, wordnetPosTask, type WordNetExample, type WordNetTaskOptions } from './tasks/wordnet-tasks.js';
