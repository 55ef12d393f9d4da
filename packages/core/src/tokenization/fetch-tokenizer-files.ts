import { fetchTextIfPresent, folderUrl } from '../io/http/fetch-file.js';

/** The texts of a tokenizer folder's two files (undefined: absent), and what to call them in messages. */
export interface TokenizerFileTexts {
  readonly tokenizerSource: string;
  readonly tokenizerText: string | undefined;
  readonly configSource: string;
  readonly configText: string | undefined;
}

/** `tokenizer.json` and `tokenizer_config.json` of a folder served over HTTP (404 = absent). */
export async function fetchTokenizerFiles(url: string | URL, init?: RequestInit): Promise<TokenizerFileTexts> {
  const base = folderUrl(url, 'TOKENIZER');
  const tokenizerUrl = new URL('tokenizer.json', base);
  const configUrl = new URL('tokenizer_config.json', base);
  const [tokenizerText, configText] = await Promise.all([
    fetchTextIfPresent(tokenizerUrl, 'TOKENIZER', init),
    fetchTextIfPresent(configUrl, 'TOKENIZER', init),
  ]);
  return { tokenizerSource: tokenizerUrl.href, tokenizerText, configSource: configUrl.href, configText };
}
