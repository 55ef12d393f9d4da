/** File names of a Hugging Face checkpoint folder (as `save_pretrained` writes them). */
export const CONFIG_FILE = 'config.json';
export const SAFE_WEIGHTS_FILE = 'model.safetensors';
export const SAFE_WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';
export const TOKENIZER_FILE = 'tokenizer.json';
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';
export const SPECIAL_TOKENS_MAP_FILE = 'special_tokens_map.json';
export const VOCAB_FILE = 'vocab.txt';

/** Weight files tl refuses to read: pickles can execute code on load; TF/Flax formats are not supported. */
export function isUnsupportedWeightFile(name: string): boolean {
  return /\.(bin|pt|pth|ckpt|pkl|h5|msgpack)$/i.test(name) || name === 'pytorch_model.bin.index.json';
}
