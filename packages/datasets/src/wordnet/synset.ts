/** WordNet's syntactic categories; satellite adjectives (`s`) are folded into `a`. */
export type WordNetPos = 'n' | 'v' | 'a' | 'r';

export const POS_NAMES: Readonly<Record<WordNetPos, string>> = { n: 'noun', v: 'verb', a: 'adjective', r: 'adverb' };

/** One synset as the data files describe it. */
export interface Synset {
  /** `<offset>-<pos>`, unique across the four data files (as NLTK's `offset-pos` ids). */
  readonly id: string;
  readonly pos: WordNetPos;
  /** Index into LEXNAMES (the supersense). */
  readonly lexFile: number;
  /** Lemmas in file order, lowercase, `_` kept as in WordNet (`physical_entity`), adjective markers removed. */
  readonly lemmas: readonly string[];
  /** The definition: the gloss without its quoted usage examples. */
  readonly definition: string;
  /** The usage examples of the gloss, without quotes. */
  readonly examples: readonly string[];
}
