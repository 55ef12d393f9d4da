import { convert } from 'html-to-text';
import PostalMime from 'postal-mime';

/** A message reduced to what a text classifier reads. */
export interface MessageBody {
  readonly subject: string;
  /** Decoded body text: the text/plain parts, or the HTML part rendered as text when there is no plain part. */
  readonly text: string;
  /** Where the text came from. */
  readonly source: 'text/plain' | 'text/html' | 'raw';
}

/** html-to-text settings for mail bodies: no line wrapping, link targets and images dropped. */
const HTML_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
};

/** Mailbox files start with an mbox separator line ("From sender date"), which is not a header. */
const MBOX_FROM = /^From [^\n]*\n/;

/**
 * Strips the headers and decodes the body: MIME structure, transfer encodings (quoted-printable,
 * base64) and charsets by postal-mime; text/plain parts are joined; an HTML-only message is rendered
 * to text by html-to-text. A message whose structure names no text part at all (a few in the corpus
 * have broken Content-Type headers) falls back to the raw body after the header block.
 */
export async function messageBody(raw: string): Promise<MessageBody> {
  const message = raw.replace(MBOX_FROM, '');
  const email = await PostalMime.parse(message);
  const subject = (email.subject ?? '').trim();
  if (email.text && email.text.trim()) return { subject, text: email.text, source: 'text/plain' };
  if (email.html && email.html.trim()) return { subject, text: convert(email.html, HTML_OPTIONS), source: 'text/html' };
  const blank = message.search(/\r?\n\r?\n/);
  return { subject, text: blank < 0 ? '' : message.slice(blank).trim(), source: 'raw' };
}

/** Whitespace runs (mail bodies are full of them) become one space or one blank line. */
export function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
