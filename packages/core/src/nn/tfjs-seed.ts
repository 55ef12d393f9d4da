/**
 * A seed for tfjs's random ops (`randomNormal`, `randomUniform`, `dropout`, …) from one of tl's
 * integer seeds. tfjs treats a falsy seed as "no seed" (`seed ? seed : Math.random()`), so seed 0 —
 * the first draw of `buildModel(config, { seed: 0 })`, say — would be a different random stream on
 * every run. 0 maps to 0.5 (tfjs seeds its generator with the number's string, and no integer seed
 * gives "0.5"); every other seed is passed through unchanged, so existing streams stay as they were.
 */
export function tfjsSeed(seed: number): number {
  return seed === 0 ? 0.5 : seed;
}
