// tl_torch: a N-API addon that stores tfjs tensors as ATen tensors (CPU or CUDA) and runs tfjs
// kernels as ATen ops. The TypeScript side (src/) is the tfjs KernelBackend over these functions.
#include "runtime.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tl::RegisterIo(env, exports);
  tl::RegisterElementwise(env, exports);
  tl::RegisterReduce(env, exports);
  tl::RegisterLinalg(env, exports);
  tl::RegisterShape(env, exports);
  tl::RegisterIndexing(env, exports);
  tl::RegisterCreation(env, exports);
  tl::RegisterFused(env, exports);
  tl::RegisterDropout(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(tl_torch, Init)
