// Tensors made from attributes alone: Fill, Range, LinSpace. They are created on the backend's
// device, passed as a device code.
#include "runtime.h"

namespace tl {
namespace {

// fill(shape[], value, dtype, device)
void Fill(const Napi::CallbackInfo& info) {
  const auto opts = at::TensorOptions().dtype(ScalarTypeOf(ArgInt(info, 2))).device(DeviceOf(ArgInt(info, 3)));
  Emit(at::full(ArgInts(info, 0), ArgNumber(info, 1), opts));
}

// range(start, step, count, dtype, device): start + i * step for i < count (count resolved by tfjs's
// rule ceil((stop - start) / step), so float steps give the same length as tfjs).
void Range(const Napi::CallbackInfo& info) {
  const double start = ArgNumber(info, 0), step = ArgNumber(info, 1);
  const int64_t count = ArgInt(info, 2);
  const at::Device device = DeviceOf(ArgInt(info, 4));
  at::Tensor i = at::arange(count, at::TensorOptions().dtype(at::kDouble).device(device));
  Emit((i * step + start).to(ScalarTypeOf(ArgInt(info, 3))));
}

// linspace(start, stop, num, device)
void LinSpace(const Napi::CallbackInfo& info) {
  const auto opts = at::TensorOptions().dtype(at::kFloat).device(DeviceOf(ArgInt(info, 3)));
  Emit(at::linspace(ArgNumber(info, 0), ArgNumber(info, 1), ArgInt(info, 2), opts));
}

}  // namespace

void RegisterCreation(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "fill", Fill);
  Export(env, exports, "range", Range);
  Export(env, exports, "linspace", LinSpace);
}

}  // namespace tl
