import { shippedModelDir } from '@tl/models';

/**
 * The folder of a model tl ships in @tl/models under a short id (`tl-bert-en-small`), or undefined.
 * Shipped ids are looked up before the Hub, with no network, so they work offline; any other id
 * goes to the Hub as before.
 */
export function shippedModelFolder(id: string): string | undefined {
  return shippedModelDir(id);
}
