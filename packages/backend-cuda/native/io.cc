// Moving data between JS typed arrays and tensors, handle lifetime, and device/runtime queries.
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <cstring>
#include <unordered_map>

#include "runtime.h"

namespace tl {
namespace {

// setMeta(Int32Array): the buffer every op describes its outputs in; JS keeps it alive.
Napi::Reference<Napi::Int32Array> g_meta_ref;

void SetMeta(const Napi::CallbackInfo& info) {
  auto arr = info[0].As<Napi::Int32Array>();
  g_meta_ref = Napi::Persistent(arr);
  SetMetaBuffer(arr.Data(), arr.ElementLength());
}

// write(values: TypedArray, shape: number[], dtype: code, device: code) -> handle
Napi::Value Write(const Napi::CallbackInfo& info) {
  auto values = info[0].As<Napi::TypedArray>();
  const std::vector<int64_t> sizes = ArgInts(info, 1);
  const at::ScalarType type = ScalarTypeOf(ArgInt(info, 2));
  const at::Device device = DeviceOf(ArgInt(info, 3));
  int64_t numel = 1;
  for (int64_t s : sizes) numel *= s;
  const size_t bytes = static_cast<size_t>(numel) * c10::elementSize(type);
  if (values.ByteLength() != bytes) {
    throw std::invalid_argument("write: " + std::to_string(values.ByteLength()) + " bytes given for " +
                                std::to_string(numel) + " elements of " + c10::toString(type));
  }
  const auto* src = static_cast<const uint8_t*>(values.ArrayBuffer().Data()) + values.ByteOffset();
  const auto cpu = at::TensorOptions().dtype(type);
  // Scalars stay on the CPU even for a GPU backend (see AlignForElementwise): tfjs creates one for
  // every numeric constant in an expression, and a device copy each time would stall the stream.
  if (device.is_cpu() || sizes.empty()) {
    at::Tensor t = at::empty(sizes, cpu);
    if (bytes) std::memcpy(t.data_ptr(), src, bytes);
    return Napi::Number::New(info.Env(), Put(std::move(t)));
  }
  // Through pinned memory, so the host-to-device copy is asynchronous and does not wait for the
  // queued kernels; the caching host allocator keeps the block until the copy has run.
  at::Tensor staging = at::empty(sizes, cpu.pinned_memory(true));
  if (bytes) std::memcpy(staging.data_ptr(), src, bytes);
  at::Tensor t = staging.to(at::TensorOptions().device(device), /*non_blocking=*/true);
  return Napi::Number::New(info.Env(), Put(std::move(t)));
}

// writeScalar(value, dtype) -> handle: a rank-0 CPU tensor (as Write makes for shape []) from a
// table keyed by dtype and value bits. tfjs makes a scalar tensor for every number in an expression
// (tf.mul(x, 0.5), AdamW's constants, ...); tensors are never written in place here, so one ATen
// tensor per value can stand behind any number of handles, and a scalar costs one table lookup.
Napi::Value WriteScalar(const Napi::CallbackInfo& info) {
  static std::unordered_map<uint64_t, at::Tensor> table;
  constexpr size_t kMaxEntries = 1 << 14;  // beyond this (a stream of distinct values) just allocate
  const double value = ArgNumber(info, 0);
  const int32_t code = ArgInt(info, 1);
  uint32_t bits = 0;
  switch (code) {
    case kFloat32: {
      const float f = static_cast<float>(value);
      std::memcpy(&bits, &f, sizeof bits);
      break;
    }
    case kInt32: bits = static_cast<uint32_t>(static_cast<int32_t>(value)); break;
    case kBool: bits = value != 0 ? 1 : 0; break;
    default: ScalarTypeOf(code);  // throws for an unknown code
  }
  const uint64_t key = (static_cast<uint64_t>(code) << 32) | bits;
  auto found = table.find(key);
  if (found != table.end()) return Napi::Number::New(info.Env(), Put(found->second));
  at::Tensor t = at::empty({}, at::TensorOptions().dtype(ScalarTypeOf(code)));
  std::memcpy(t.data_ptr(), &bits, code == kBool ? 1 : 4);  // little-endian: the low byte for bool
  if (table.size() < kMaxEntries) table.emplace(key, t);
  return Napi::Number::New(info.Env(), Put(std::move(t)));
}

// read(handle) -> Float32Array | Int32Array | Uint8Array (a copy, synchronous on a GPU)
Napi::Value Read(const Napi::CallbackInfo& info) {
  const at::Tensor& t = ArgTensor(info, 0);
  const int64_t numel = t.numel();
  const size_t bytes = static_cast<size_t>(numel) * t.element_size();
  Napi::Env env = info.Env();
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, bytes);
  if (bytes) {
    if (t.device().is_cpu() && t.is_contiguous()) {
      std::memcpy(buffer.Data(), t.data_ptr(), bytes);
    } else {
      at::from_blob(buffer.Data(), t.sizes(), at::TensorOptions().dtype(t.scalar_type())).copy_(t);
    }
  }
  switch (t.scalar_type()) {
    case at::kFloat: return Napi::Float32Array::New(env, numel, buffer, 0);
    case at::kInt: return Napi::Int32Array::New(env, numel, buffer, 0);
    case at::kBool: return Napi::Uint8Array::New(env, numel, buffer, 0);
    default: throw std::invalid_argument(std::string("read: unsupported dtype ") + c10::toString(t.scalar_type()));
  }
}

void Dispose(const Napi::CallbackInfo& info) { Release(ArgInt(info, 0)); }
void DisposeAll(const Napi::CallbackInfo&) { ReleaseAll(); }

Napi::Value Live(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(LiveHandles()));
}

// describe(handle): emits a second handle to the same tensor (used by tests).
void Alias(const Napi::CallbackInfo& info) { Emit(ArgTensor(info, 0)); }

Napi::Value TorchVersion(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), TORCH_VERSION); }

Napi::Value CudaAvailable(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), torch::cuda::is_available());
}

Napi::Value CudaDeviceCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(torch::cuda::device_count()));
}

// Where this tensor lives: -1 for the CPU, n for cuda:n.
Napi::Value DeviceOfHandle(const Napi::CallbackInfo& info) {
  const at::Device d = ArgTensor(info, 0).device();
  return Napi::Number::New(info.Env(), d.is_cpu() ? -1 : d.index());
}

void Synchronize(const Napi::CallbackInfo& info) {
  const int32_t device = ArgInt(info, 0);
  if (device >= 0) torch::cuda::synchronize(device);
}

void SetThreads(const Napi::CallbackInfo& info) { at::set_num_threads(ArgInt(info, 0)); }

Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

// TF32 tensor cores for float32 matmuls on Ampere+ (PyTorch's default is off, as here).
void SetTf32(const Napi::CallbackInfo& info) { at::globalContext().setAllowTF32CuBLAS(ArgBool(info, 0)); }

}  // namespace

void RegisterIo(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "setMeta", SetMeta);
  ExportValue(env, exports, "write", Write);
  ExportValue(env, exports, "writeScalar", WriteScalar);
  ExportValue(env, exports, "read", Read);
  Export(env, exports, "dispose", Dispose);
  Export(env, exports, "disposeAll", DisposeAll);
  ExportValue(env, exports, "liveHandles", Live);
  Export(env, exports, "alias", Alias);
  ExportValue(env, exports, "torchVersion", TorchVersion);
  ExportValue(env, exports, "cudaAvailable", CudaAvailable);
  ExportValue(env, exports, "cudaDeviceCount", CudaDeviceCount);
  ExportValue(env, exports, "deviceOf", DeviceOfHandle);
  Export(env, exports, "synchronize", Synchronize);
  Export(env, exports, "setThreads", SetThreads);
  ExportValue(env, exports, "getThreads", GetThreads);
  Export(env, exports, "setTf32", SetTf32);
}

}  // namespace tl
