#include "runtime.h"

#include <c10/util/Exception.h>

#include <stdexcept>

namespace tl {

at::ScalarType ScalarTypeOf(int32_t code) {
  switch (code) {
    case kFloat32: return at::kFloat;
    case kInt32: return at::kInt;
    case kBool: return at::kBool;
  }
  throw std::invalid_argument("unknown dtype code " + std::to_string(code));
}

int32_t DtypeCodeOf(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return kFloat32;
    case at::kInt: return kInt32;
    case at::kBool: return kBool;
    default: break;
  }
  throw std::invalid_argument(std::string("no tfjs dtype for ATen ") + c10::toString(type));
}

at::Device DeviceOf(int32_t code) {
  if (code < 0) return at::Device(at::kCPU);
  return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(code));
}

// ---- handle table -------------------------------------------------------------------------------
namespace {
std::vector<at::Tensor> g_slots;
std::vector<int32_t> g_free;
int64_t g_live = 0;
int32_t* g_meta = nullptr;
size_t g_meta_length = 0;
}  // namespace

int32_t Put(at::Tensor tensor) {
  int32_t handle;
  if (!g_free.empty()) {
    handle = g_free.back();
    g_free.pop_back();
    g_slots[handle] = std::move(tensor);
  } else {
    handle = static_cast<int32_t>(g_slots.size());
    g_slots.push_back(std::move(tensor));
  }
  ++g_live;
  return handle;
}

const at::Tensor& Get(int32_t handle) {
  if (handle < 0 || static_cast<size_t>(handle) >= g_slots.size() || !g_slots[handle].defined()) {
    throw std::invalid_argument("tensor handle " + std::to_string(handle) + " is not live (already disposed?)");
  }
  return g_slots[handle];
}

void Release(int32_t handle) {
  Get(handle);  // validates
  g_slots[handle] = at::Tensor();
  g_free.push_back(handle);
  --g_live;
}

int64_t LiveHandles() { return g_live; }

void ReleaseAll() {
  g_slots.clear();
  g_free.clear();
  g_live = 0;
}

// ---- outputs ------------------------------------------------------------------------------------
void SetMetaBuffer(int32_t* data, size_t length) {
  g_meta = data;
  g_meta_length = length;
}

namespace {
at::Tensor Normalise(const at::Tensor& t) {
  switch (t.scalar_type()) {
    case at::kFloat:
    case at::kInt:
    case at::kBool: return t;
    case at::kLong:
    case at::kShort:
    case at::kByte:
    case at::kChar: return t.to(at::kInt);
    default: return t.to(at::kFloat);
  }
}

size_t Write(size_t pos, const at::Tensor& raw) {
  at::Tensor t = Normalise(raw);
  const size_t need = pos + 3 + static_cast<size_t>(t.dim());
  if (g_meta == nullptr || need > g_meta_length) throw std::runtime_error("meta buffer too small for op outputs");
  g_meta[pos] = Put(t);
  g_meta[pos + 1] = DtypeCodeOf(t.scalar_type());
  g_meta[pos + 2] = static_cast<int32_t>(t.dim());
  for (int64_t d = 0; d < t.dim(); ++d) g_meta[pos + 3 + d] = static_cast<int32_t>(t.size(d));
  return need;
}
}  // namespace

void Emit(const at::Tensor& out) {
  Write(1, out);
  g_meta[0] = 1;
}

void Emit(const std::vector<at::Tensor>& outs) {
  size_t pos = 1;
  for (const auto& t : outs) pos = Write(pos, t);
  g_meta[0] = static_cast<int32_t>(outs.size());
}

// ---- arguments ----------------------------------------------------------------------------------
int32_t ArgInt(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }
double ArgNumber(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }
bool ArgBool(const Napi::CallbackInfo& info, size_t i) { return info[i].ToBoolean().Value(); }
std::string ArgString(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::String>().Utf8Value(); }

std::vector<int64_t> ArgInts(const Napi::CallbackInfo& info, size_t i) {
  Napi::Array arr = info[i].As<Napi::Array>();
  const uint32_t n = arr.Length();
  std::vector<int64_t> out(n);
  for (uint32_t k = 0; k < n; ++k) out[k] = arr.Get(k).As<Napi::Number>().Int64Value();
  return out;
}

const at::Tensor& ArgTensor(const Napi::CallbackInfo& info, size_t i) { return Get(ArgInt(info, i)); }

std::vector<at::Tensor> ArgTensors(const Napi::CallbackInfo& info, size_t i) {
  Napi::Array arr = info[i].As<Napi::Array>();
  const uint32_t n = arr.Length();
  std::vector<at::Tensor> out;
  out.reserve(n);
  for (uint32_t k = 0; k < n; ++k) out.push_back(Get(arr.Get(k).As<Napi::Number>().Int32Value()));
  return out;
}

// ---- devices ------------------------------------------------------------------------------------
namespace {
// A one-element CPU tensor becomes a fill kernel on the device (its value travels as a kernel
// argument), not a host-to-device copy from pageable memory, which would wait for the stream.
at::Tensor ToDevice(const at::Tensor& t, at::Device device) {
  if (t.device().is_cpu() && !device.is_cpu() && t.numel() == 1) {
    return at::full(t.sizes(), t.item(), t.options().device(device));
  }
  return t.to(device);
}
}  // namespace

at::Tensor OnDeviceOf(const at::Tensor& t, const at::Tensor& like) {
  return t.device() == like.device() ? t : ToDevice(t, like.device());
}

void AlignDevices(std::vector<at::Tensor>& tensors) {
  const at::Tensor* target = nullptr;
  for (const auto& t : tensors) {
    if (!t.device().is_cpu()) { target = &t; break; }
  }
  if (target == nullptr) return;
  const at::Device device = target->device();
  for (auto& t : tensors) {
    if (t.device() != device) t = ToDevice(t, device);
  }
}

void AlignForElementwise(at::Tensor& a, at::Tensor& b) {
  if (a.device() == b.device()) return;
  if (a.device().is_cpu() && a.dim() != 0) a = ToDevice(a, b.device());
  else if (b.device().is_cpu() && b.dim() != 0) b = ToDevice(b, a.device());
}

int64_t NormAxis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

// ---- exporting ----------------------------------------------------------------------------------
namespace {
template <typename F>
auto Guard(Napi::Env env, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}
}  // namespace

void Export(Napi::Env env, Napi::Object exports, const char* name, OpFn fn) {
  exports.Set(name, Napi::Function::New(
                        env,
                        [fn](const Napi::CallbackInfo& info) -> Napi::Value {
                          Guard(info.Env(), [&] { fn(info); });
                          return info.Env().Undefined();
                        },
                        name));
}

void ExportValue(Napi::Env env, Napi::Object exports, const char* name, ValueFn fn) {
  exports.Set(name, Napi::Function::New(
                        env,
                        [fn](const Napi::CallbackInfo& info) -> Napi::Value {
                          return Guard(info.Env(), [&] { return fn(info); });
                        },
                        name));
}

}  // namespace tl
