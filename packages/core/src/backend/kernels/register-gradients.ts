/**
 * tfjs-core's Node bundle ships the ops but not their gradients: the gradient table
 * (`register_all_gradients`) is only registered by the `@tensorflow/tfjs` union package, and
 * tfjs-core's own ESM copy of it cannot be loaded by Node (extensionless imports). Without it every
 * `variableGrads` fails with "gradient function not found for Neg". Importing the union once
 * registers them into the shared (global) tfjs-core registry; every backend's `init()` reaches this
 * module through its kernel registration.
 */
import '@tensorflow/tfjs';
