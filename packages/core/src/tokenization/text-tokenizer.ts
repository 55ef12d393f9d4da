import { TlError } from '../errors/tl-error.js';
import { parseJsonText } from '../io/json/parse-json.js';
import { checkTokenIds } from './token-ids.js';
import {
  parseTokenizerConfig,
  SPECIAL_TOKEN_ROLES,
  type Side,
  type SpecialTokenRole,
  type TokenizerSettings,
} from './tokenizer-config.js';
import {
  applyTemplate,
  templateFromPostProcessor,
  type SpecialTokensTemplate,
  type TokenRun,
} from './special-tokens-template.js';
import { createHfTokenizer, type HfTokenizer } from './hf-tokenizer.js';
import { encodeBatch, type BatchEncoding, type EncodeBatchOptions, type TextInput } from './encode-batch.js';
import { fetchTokenizerFiles, type TokenizerFileTexts } from './fetch-tokenizer-files.js';
// Node: the file system; browser bundles get tokenizer-files.browser.ts (fetch) in its place.
import { readTokenizerFiles } from './tokenizer-files.js';

/** Ids of the special tokens tokenizer_config.json names; a role is absent when the config has none. */
export type SpecialTokenIds = Partial<Record<SpecialTokenRole, number>>;

/** One encoded text or pair, special tokens included unless asked otherwise. */
export interface Encoded {
  readonly ids: number[];
  readonly tokens: string[];
  /** Segment ids as the post-processor assigns them (all 0 for RoBERTa). */
  readonly typeIds: number[];
}

export interface EncodeOptions {
  /** Default true: wrap in the post-processor's special tokens ([CLS] … [SEP], <s> … </s>). */
  readonly addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  readonly skipSpecialTokens?: boolean;
  /** Default: the tokenizer config's `clean_up_tokenization_spaces`. */
  readonly cleanUpTokenizationSpaces?: boolean;
}

export interface TokenizerSources {
  /** Names tokenizer.json in error messages. */
  readonly tokenizerSource?: string;
  /** Names tokenizer_config.json in error messages. */
  readonly configSource?: string;
}

/**
 * A Hugging Face fast tokenizer (tokenizer.json + tokenizer_config.json) that turns text into the
 * model inputs HF transformers would produce. Normalisation, pre-tokenisation and the vocabulary model
 * come from @huggingface/tokenizers; special tokens, truncation and padding are applied here, with
 * the semantics of HF's Rust tokenizers, because the library does not truncate pairs.
 */
export class TextTokenizer {
  /** The tokenizer.json this was read from (for messages). */
  readonly source: string;
  readonly template: SpecialTokensTemplate;
  readonly specialTokens: Readonly<Partial<Record<SpecialTokenRole, string>>>;
  readonly specialTokenIds: Readonly<SpecialTokenIds>;
  /** Every special token id (roles and special added tokens): what masking and decoding skip. */
  readonly allSpecialIds: ReadonlySet<number>;
  /** Vocabulary size including added tokens (HF `len(tokenizer)`). */
  readonly vocabSize: number;
  /** The largest id the tokenizer can emit (vocabulary, added tokens, the template's special tokens). */
  readonly maxTokenId: number;
  readonly modelMaxLength: number | undefined;
  readonly paddingSide: Side;
  readonly truncationSide: Side;
  readonly modelInputNames: readonly string[];
  /**
   * The parsed tokenizer.json and tokenizer_config.json this was built from ({} for a missing
   * config): what a checkpoint written during training copies, so each one is a complete HF folder.
   */
  readonly files: { readonly tokenizerJson: Readonly<Record<string, unknown>>; readonly tokenizerConfig: Readonly<Record<string, unknown>> };

  private readonly lib: HfTokenizer;

  private constructor(
    lib: HfTokenizer,
    settings: TokenizerSettings,
    template: SpecialTokensTemplate,
    sources: Required<TokenizerSources>,
    specialAdded: readonly number[],
    files: TextTokenizer['files'],
  ) {
    this.lib = lib;
    this.files = files;
    this.source = sources.tokenizerSource;
    this.template = template;
    this.modelMaxLength = settings.modelMaxLength;
    this.paddingSide = settings.paddingSide;
    this.truncationSide = settings.truncationSide;
    this.modelInputNames = settings.modelInputNames;
    this.specialTokens = settings.specialTokens;
    const ids: SpecialTokenIds = {};
    for (const role of SPECIAL_TOKEN_ROLES) {
      const token = settings.specialTokens[role];
      if (token === undefined) continue;
      const id = lib.token_to_id(token);
      if (id === undefined) {
        throw new TlError('TOKENIZER', `${sources.configSource}: ${role}_token "${token}" is not in the vocabulary of ${sources.tokenizerSource}`);
      }
      ids[role] = id;
    }
    this.specialTokenIds = ids;
    this.allSpecialIds = new Set([...Object.values(ids), ...specialAdded]);
    const vocab = lib.get_vocab(true);
    this.vocabSize = vocab.size;
    let maxId = -1;
    for (const id of vocab.values()) maxId = Math.max(maxId, id);
    for (const piece of [...template.single, ...template.pair]) if (piece.kind === 'special') for (const id of piece.ids) maxId = Math.max(maxId, id);
    this.maxTokenId = maxId;
  }

  /** Builds a tokenizer from parsed tokenizer.json and tokenizer_config.json contents. */
  static fromObjects(tokenizerJson: unknown, tokenizerConfig: unknown = {}, sources: TokenizerSources = {}): TextTokenizer {
    const src: Required<TokenizerSources> = {
      tokenizerSource: sources.tokenizerSource ?? 'tokenizer.json',
      configSource: sources.configSource ?? 'tokenizer_config.json',
    };
    if (typeof tokenizerJson !== 'object' || tokenizerJson === null || Array.isArray(tokenizerJson)) {
      throw new TlError('TOKENIZER', `${src.tokenizerSource}: expected a JSON object`);
    }
    const json = tokenizerJson as Record<string, unknown>;
    if (typeof json.model !== 'object' || json.model === null) {
      throw new TlError('TOKENIZER', `${src.tokenizerSource}: no "model" section (is this a tokenizers tokenizer.json?)`);
    }
    checkTokenIds(json, src.tokenizerSource);
    const settings = parseTokenizerConfig(tokenizerConfig, src.configSource);
    const template = templateFromPostProcessor(json.post_processor, src.tokenizerSource);
    let lib: HfTokenizer;
    try {
      lib = createHfTokenizer(json, (tokenizerConfig ?? {}) as object);
    } catch (e) {
      throw new TlError('TOKENIZER', `${src.tokenizerSource}: cannot build the tokenizer: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const files = { tokenizerJson: json, tokenizerConfig: (tokenizerConfig ?? {}) as Record<string, unknown> };
    return new TextTokenizer(lib, settings, template, src, specialAddedIds(json.added_tokens), files);
  }

  /**
   * Reads `dir/tokenizer.json` and (when present) `dir/tokenizer_config.json`, as HF `save_pretrained`
   * writes them. In a browser bundle `dir` is a URL (relative to the page), as for `fromUrl`.
   */
  static async fromFolder(dir: string): Promise<TextTokenizer> {
    return TextTokenizer.fromFiles(await readTokenizerFiles(dir), dir);
  }

  /** Fetches `tokenizer.json` and (when served) `tokenizer_config.json` from a folder URL. */
  static async fromUrl(url: string | URL, init?: RequestInit): Promise<TextTokenizer> {
    return TextTokenizer.fromFiles(await fetchTokenizerFiles(url, init), String(url));
  }

  private static fromFiles(files: TokenizerFileTexts, folder: string): TextTokenizer {
    if (files.tokenizerText === undefined) {
      throw new TlError('TOKENIZER', `${folder}: no tokenizer.json (tl reads HF fast-tokenizer files; save the tokenizer with a fast HF tokenizer to get one)`);
    }
    return TextTokenizer.fromObjects(
      parseJson(files.tokenizerText, files.tokenizerSource),
      files.configText === undefined ? {} : parseJson(files.configText, files.configSource),
      { tokenizerSource: files.tokenizerSource, configSource: files.configSource },
    );
  }

  tokenToId(token: string): number | undefined {
    return this.lib.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.lib.id_to_token(id);
  }

  /** Tokenizes one bare segment: no special tokens, no truncation. */
  encodeSegment(text: string): TokenRun {
    const { ids, tokens } = this.lib.encode(text, { add_special_tokens: false });
    return { ids, tokens };
  }

  /** Encodes a text (or pair) without truncation or padding; ids and tokens match HF's `encode`. */
  encode(text: string, pair?: string, options: EncodeOptions = {}): Encoded {
    const a = this.encodeSegment(text);
    const b = pair === undefined ? undefined : this.encodeSegment(pair);
    return applyTemplate(this.template, a, b, options.addSpecialTokens ?? true);
  }

  /** Encodes a batch into padded model inputs, as HF `tokenizer(texts, pairs, truncation=…, padding=…)`. */
  encodeBatch(inputs: readonly TextInput[], options?: EncodeBatchOptions): BatchEncoding {
    return encodeBatch(this, inputs, options);
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    return this.lib.decode([...ids], {
      skip_special_tokens: options.skipSpecialTokens ?? false,
      ...(options.cleanUpTokenizationSpaces === undefined ? {} : { clean_up_tokenization_spaces: options.cleanUpTokenizationSpaces }),
    });
  }
}

function specialAddedIds(addedTokens: unknown): number[] {
  if (!Array.isArray(addedTokens)) return [];
  return addedTokens.flatMap((t: unknown) => {
    const { id, special } = (t ?? {}) as { id?: unknown; special?: unknown };
    return special === true && typeof id === 'number' ? [id] : [];
  });
}

/** V8's JSON.parse messages quote the text around the fault, newlines included; parseJsonText gives line and column on one line. */
function parseJson(text: string, path: string): unknown {
  return parseJsonText(text, path, 'TOKENIZER');
}
