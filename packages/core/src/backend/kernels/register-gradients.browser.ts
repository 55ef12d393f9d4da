/**
 * The browser variant of register-gradients.ts (package.json "browser" field swaps it in). Bundlers
 * read tfjs-core's ESM build, whose gradient and chained-op tables load on their own; importing just
 * those two modules, rather than the `@tensorflow/tfjs` union as Node must, keeps tfjs-layers,
 * -converter and -data (about half the page's script) out of the bundle.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
