import { TlError, type Model } from '@tl/core';

/**
 * A selection of parameters by what they are, not by name lists: `all`, `encoder` (embeddings and
 * every layer), `embeddings`, `layers.K` or `layers.A-B` (inclusive), `head`, or a name pattern with
 * `*` wildcards over HF names (`*.attention.*`). Selections are joined with `+`.
 */
export type Selector = string;

export function selectParameters(model: Model, selectors: readonly Selector[], strategy: string): string[] {
  const tests = selectors.map((s) => compile(s, model, strategy));
  return model.parameters.names().filter((name) => tests.some((t) => t(name)));
}

function compile(selector: Selector, model: Model, strategy: string): (name: string) => boolean {
  const depth = (name: string) => model.depthOf(name);
  switch (selector) {
    case 'all':
      return () => true;
    case 'encoder':
      return (n) => depth(n) !== 'head';
    case 'embeddings':
      return (n) => depth(n) === 'embeddings';
    case 'head':
      return (n) => depth(n) === 'head';
  }
  const layers = /^layers\.(\d+)(?:-(\d+))?$/.exec(selector);
  if (layers) {
    const from = Number(layers[1]);
    const to = layers[2] === undefined ? from : Number(layers[2]);
    if (to < from || to >= model.numLayers) {
      throw new TlError('STRATEGY', `strategy "${strategy}": selection "${selector}" is outside layers 0-${model.numLayers - 1}`);
    }
    return (n) => {
      const d = depth(n);
      return typeof d === 'number' && d >= from && d <= to;
    };
  }
  if (selector.includes('*') || selector.includes('.')) {
    const re = new RegExp(`^${selector.split('*').map(escapeRegExp).join('.*')}$`);
    return (n) => re.test(n);
  }
  throw new TlError('STRATEGY', `strategy "${strategy}": unknown selection "${selector}" (all, encoder, embeddings, head, layers.A-B, or a name pattern with *)`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
