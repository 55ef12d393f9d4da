import { z } from 'zod';
import { TlError } from '../errors/tl-error.js';

/**
 * How special tokens wrap one or two segments, read from tokenizer.json's `post_processor`.
 *
 * We assemble sequences ourselves instead of letting @huggingface/tokenizers do it, because the
 * library neither truncates pairs nor reproduces RobertaProcessing's all-zero type ids; HF's Rust
 * tokenizer truncates the bare segments first and applies the post-processor afterwards, and so do we.
 */
export type TemplatePiece =
  | { readonly kind: 'special'; readonly ids: readonly number[]; readonly tokens: readonly string[]; readonly typeId: number }
  | { readonly kind: 'sequence'; readonly sequence: 'A' | 'B'; readonly typeId: number };

export interface SpecialTokensTemplate {
  readonly single: readonly TemplatePiece[];
  readonly pair: readonly TemplatePiece[];
}

/** A run of tokens: one encoded segment, or an assembled model input. */
export interface TokenRun {
  readonly ids: readonly number[];
  readonly tokens: readonly string[];
}

export interface AssembledSequence {
  readonly ids: number[];
  readonly tokens: string[];
  readonly typeIds: number[];
}

const idAndToken = z.tuple([z.string(), z.number().int().nonnegative()]);
const bertLikeSchema = z.object({ sep: idAndToken, cls: idAndToken });
const pieceSchema = z.union([
  z.object({ SpecialToken: z.object({ id: z.string(), type_id: z.number().int().nonnegative() }) }),
  z.object({ Sequence: z.object({ id: z.enum(['A', 'B']), type_id: z.number().int().nonnegative() }) }),
]);
const templateSchema = z.object({
  single: z.array(pieceSchema),
  pair: z.array(pieceSchema),
  special_tokens: z.record(
    z.string(),
    z.object({ id: z.string(), ids: z.array(z.number().int().nonnegative()), tokens: z.array(z.string()) }),
  ),
});
const sequenceSchema = z.object({ processors: z.array(z.unknown()) });

/** No special tokens at all (tokenizer.json without a post_processor). */
const BARE: SpecialTokensTemplate = {
  single: [{ kind: 'sequence', sequence: 'A', typeId: 0 }],
  pair: [
    { kind: 'sequence', sequence: 'A', typeId: 0 },
    { kind: 'sequence', sequence: 'B', typeId: 1 },
  ],
};

// Post-processors that only adjust offsets; they add no tokens and change no ids.
const OFFSET_ONLY = new Set(['ByteLevel']);

function validate<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TlError('TOKENIZER', `${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Reads `post_processor` (BertProcessing, RobertaProcessing, TemplateProcessing, or a Sequence holding
 * one of them next to offset-only processors). `source` names the file in error messages.
 */
export function templateFromPostProcessor(postProcessor: unknown, source: string): SpecialTokensTemplate {
  const where = `${source}: post_processor`;
  const found = tokenAddingProcessor(postProcessor, where);
  if (found === undefined) return BARE;
  const { type, value } = found;
  switch (type) {
    case 'BertProcessing': {
      const { cls, sep } = validate(bertLikeSchema, value, `${where} (BertProcessing)`);
      const c = special(cls), s = special(sep);
      return {
        single: [c(0), seq('A', 0), s(0)],
        pair: [c(0), seq('A', 0), s(0), seq('B', 1), s(1)],
      };
    }
    case 'RobertaProcessing': {
      // `<s> A </s></s> B </s>`, and every type id is 0 ("Roberta is weird" — tokenizers' roberta.rs).
      const { cls, sep } = validate(bertLikeSchema, value, `${where} (RobertaProcessing)`);
      const c = special(cls), s = special(sep);
      return {
        single: [c(0), seq('A', 0), s(0)],
        pair: [c(0), seq('A', 0), s(0), s(0), seq('B', 0), s(0)],
      };
    }
    case 'TemplateProcessing': {
      const t = validate(templateSchema, value, `${where} (TemplateProcessing)`);
      const toPiece = (p: z.infer<typeof pieceSchema>, template: string): TemplatePiece => {
        if ('Sequence' in p) return seq(p.Sequence.id, p.Sequence.type_id);
        const tok = t.special_tokens[p.SpecialToken.id];
        if (tok === undefined) {
          throw new TlError('TOKENIZER', `${where}: ${template} template uses "${p.SpecialToken.id}", which special_tokens does not define`);
        }
        if (tok.ids.length !== tok.tokens.length) {
          throw new TlError('TOKENIZER', `${where}: special token "${p.SpecialToken.id}" has ${tok.ids.length} ids but ${tok.tokens.length} tokens`);
        }
        return { kind: 'special', ids: tok.ids, tokens: tok.tokens, typeId: p.SpecialToken.type_id };
      };
      const single = t.single.map((p) => toPiece(p, 'single'));
      const pair = t.pair.map((p) => toPiece(p, 'pair'));
      checkSequences(single, ['A'], `${where}: single template`);
      checkSequences(pair, ['A', 'B'], `${where}: pair template`);
      return { single, pair };
    }
    default:
      throw new TlError('TOKENIZER', `${where}: unsupported type "${type}" (supported: BertProcessing, RobertaProcessing, TemplateProcessing, ByteLevel, Sequence)`);
  }
}

/** Finds the one processor that adds special tokens; undefined when none does. */
function tokenAddingProcessor(pp: unknown, where: string): { type: string; value: unknown } | undefined {
  if (pp === null || pp === undefined) return undefined;
  if (typeof pp !== 'object' || typeof (pp as { type?: unknown }).type !== 'string') {
    throw new TlError('TOKENIZER', `${where}: expected an object with a "type"`);
  }
  const type = (pp as { type: string }).type;
  if (OFFSET_ONLY.has(type)) return undefined;
  if (type !== 'Sequence') return { type, value: pp };
  const { processors } = validate(sequenceSchema, pp, `${where} (Sequence)`);
  const adding = processors.map((p, i) => tokenAddingProcessor(p, `${where}.processors.${i}`)).filter((p) => p !== undefined);
  if (adding.length > 1) {
    throw new TlError('TOKENIZER', `${where}: Sequence holds ${adding.length} processors that add special tokens (${adding.map((p) => p.type).join(', ')}); only one is supported`);
  }
  return adding[0];
}

function checkSequences(pieces: readonly TemplatePiece[], expected: readonly ('A' | 'B')[], where: string): void {
  const got = pieces.flatMap((p) => (p.kind === 'sequence' ? [p.sequence] : []));
  if (got.join() !== expected.join()) {
    throw new TlError('TOKENIZER', `${where}: expected sequences ${expected.join(', ')} in that order, got [${got.join(', ')}]`);
  }
}

function special([token, id]: readonly [string, number]): (typeId: number) => TemplatePiece {
  return (typeId) => ({ kind: 'special', ids: [id], tokens: [token], typeId });
}

function seq(sequence: 'A' | 'B', typeId: number): TemplatePiece {
  return { kind: 'sequence', sequence, typeId };
}

/** How many tokens the template adds around one segment or a pair (what truncation must leave room for). */
export function addedTokenCount(template: SpecialTokensTemplate, isPair: boolean): number {
  const pieces = isPair ? template.pair : template.single;
  return pieces.reduce((n, p) => n + (p.kind === 'special' ? p.ids.length : 0), 0);
}

/**
 * Wraps already-truncated segments in the template. Sequence pieces give their type id to every token
 * of the segment (as TemplateProcessing does); `addSpecialTokens: false` keeps only the segments.
 */
export function applyTemplate(
  template: SpecialTokensTemplate,
  a: TokenRun,
  b: TokenRun | undefined,
  addSpecialTokens = true,
): AssembledSequence {
  const out: AssembledSequence = { ids: [], tokens: [], typeIds: [] };
  for (const piece of b === undefined ? template.single : template.pair) {
    if (piece.kind === 'special') {
      if (!addSpecialTokens) continue;
      out.ids.push(...piece.ids);
      out.tokens.push(...piece.tokens);
      for (let i = 0; i < piece.ids.length; i++) out.typeIds.push(piece.typeId);
    } else {
      const run = piece.sequence === 'A' ? a : b!;
      // One push per token, not push(...run.ids): a long text's run spread as arguments overflows the stack.
      for (let i = 0; i < run.ids.length; i++) {
        out.ids.push(run.ids[i]!);
        out.tokens.push(run.tokens[i]!);
        out.typeIds.push(piece.typeId);
      }
    }
  }
  return out;
}
