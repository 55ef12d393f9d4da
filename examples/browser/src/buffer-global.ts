// Injected by build.mjs: csv-parse (a dependency of @tl/core's data loading) reads the global
// `Buffer` at load time. TODO(lead): drop once @tl/core has a browser entry without Node-only modules.
export { Buffer } from 'buffer';
