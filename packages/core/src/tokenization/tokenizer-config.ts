import { z } from 'zod';
import { TlError } from '../errors/tl-error.js';

/** Which end of a sequence padding is added to, or tokens are cut from. */
export type Side = 'left' | 'right';

/** The special-token roles HF tokenizers name in tokenizer_config.json. */
export const SPECIAL_TOKEN_ROLES = ['pad', 'cls', 'sep', 'mask', 'unk', 'bos', 'eos'] as const;
export type SpecialTokenRole = (typeof SPECIAL_TOKEN_ROLES)[number];

/** The parts of tokenizer_config.json that change how text becomes model inputs. */
export interface TokenizerSettings {
  /** Absent when the config has none or HF's "no limit" sentinel (int(1e30)). */
  readonly modelMaxLength: number | undefined;
  readonly paddingSide: Side;
  readonly truncationSide: Side;
  /** What the model's forward takes; decides whether token_type_ids are returned by default. */
  readonly modelInputNames: readonly string[];
  /** Special-token strings by role, as the config names them. */
  readonly specialTokens: Readonly<Partial<Record<SpecialTokenRole, string>>>;
}

// Special tokens are plain strings in current configs; older ones store AddedToken dicts.
const tokenString = z.union([z.string(), z.object({ content: z.string() }).transform((t) => t.content)]);

const configSchema = z.looseObject({
  model_max_length: z.number().optional(),
  padding_side: z.enum(['left', 'right']).optional(),
  truncation_side: z.enum(['left', 'right']).optional(),
  model_input_names: z.array(z.string()).optional(),
  pad_token: tokenString.nullish(),
  cls_token: tokenString.nullish(),
  sep_token: tokenString.nullish(),
  mask_token: tokenString.nullish(),
  unk_token: tokenString.nullish(),
  bos_token: tokenString.nullish(),
  eos_token: tokenString.nullish(),
});

// HF writes int(1e30) (VERY_LARGE_INTEGER) when a tokenizer has no length limit; anything past
// 2^31 cannot be a real position count.
const NO_LIMIT_THRESHOLD = 2 ** 31;

// HF's PreTrainedTokenizerBase default when a config does not say.
const DEFAULT_MODEL_INPUT_NAMES = ['input_ids', 'token_type_ids', 'attention_mask'];

export function parseTokenizerConfig(raw: unknown, source: string): TokenizerSettings {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TlError('TOKENIZER', `${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const c = parsed.data;
  const specialTokens: Partial<Record<SpecialTokenRole, string>> = {};
  for (const role of SPECIAL_TOKEN_ROLES) {
    const token = c[`${role}_token`];
    if (typeof token === 'string') specialTokens[role] = token;
  }
  const max = c.model_max_length;
  return {
    modelMaxLength: max !== undefined && max > 0 && max < NO_LIMIT_THRESHOLD ? Math.floor(max) : undefined,
    paddingSide: c.padding_side ?? 'right',
    truncationSide: c.truncation_side ?? 'right',
    modelInputNames: c.model_input_names ?? DEFAULT_MODEL_INPUT_NAMES,
    specialTokens,
  };
}
