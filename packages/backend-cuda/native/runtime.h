// Shared plumbing of the addon: the handle table that owns every live tensor, the dtype and device
// codes shared with the TypeScript side (src/native/codes.ts), argument parsing, and the "meta"
// buffer through which ops report their outputs without building JS objects.
#pragma once

#include <ATen/ATen.h>
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tl {

// ---- dtypes: tfjs float32 / int32 / bool <-> ATen ---------------------------------------------
enum DtypeCode : int32_t { kFloat32 = 0, kInt32 = 1, kBool = 2 };
at::ScalarType ScalarTypeOf(int32_t code);
int32_t DtypeCodeOf(at::ScalarType type);

// ---- devices: code < 0 is the CPU, code n >= 0 is cuda:n ----------------------------------------
at::Device DeviceOf(int32_t code);

// ---- the handle table -------------------------------------------------------------------------
// JS never holds a tensor, only an int32 handle into this table; disposing a handle drops the
// table's reference, and ATen frees the storage when no view of it remains.
int32_t Put(at::Tensor tensor);
const at::Tensor& Get(int32_t handle);
void Release(int32_t handle);
int64_t LiveHandles();
void ReleaseAll();

// ---- outputs ----------------------------------------------------------------------------------
// Every op stores its results and describes them in the meta buffer (an Int32Array owned by JS):
//   meta[0] = number of outputs, then per output: handle, dtype code, rank, dims...
// Outputs are first normalised to a dtype tfjs knows (int64 -> int32, float64/16 -> float32).
void SetMetaBuffer(int32_t* data, size_t length);
void Emit(const at::Tensor& out);
void Emit(const std::vector<at::Tensor>& outs);

// ---- arguments --------------------------------------------------------------------------------
int32_t ArgInt(const Napi::CallbackInfo& info, size_t i);
double ArgNumber(const Napi::CallbackInfo& info, size_t i);
bool ArgBool(const Napi::CallbackInfo& info, size_t i);
std::string ArgString(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> ArgInts(const Napi::CallbackInfo& info, size_t i);
const at::Tensor& ArgTensor(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> ArgTensors(const Napi::CallbackInfo& info, size_t i);

// ---- devices of multi-input ops -----------------------------------------------------------------
// On a GPU, scalars written from JS stay 0-dim CPU tensors (no host-to-device copy, no sync).
// ATen accepts those beside device tensors in elementwise ops; every other op moves its inputs
// to the first non-CPU device among them first.
at::Tensor OnDeviceOf(const at::Tensor& t, const at::Tensor& like);
void AlignDevices(std::vector<at::Tensor>& tensors);
// For elementwise ops: only non-scalar CPU tensors move.
void AlignForElementwise(at::Tensor& a, at::Tensor& b);

// ---- exporting functions ----------------------------------------------------------------------
// Wraps an op so that ATen's c10::Error (and any std::exception) reaches JS as an Error whose
// message is ATen's one-line text without the C++ backtrace.
using OpFn = void (*)(const Napi::CallbackInfo&);
void Export(Napi::Env env, Napi::Object exports, const char* name, OpFn fn);
using ValueFn = Napi::Value (*)(const Napi::CallbackInfo&);
void ExportValue(Napi::Env env, Napi::Object exports, const char* name, ValueFn fn);

// Normalises a possibly negative axis against a rank.
int64_t NormAxis(int64_t axis, int64_t rank);

// Each op module adds its functions to the exports object.
void RegisterIo(Napi::Env env, Napi::Object exports);
void RegisterElementwise(Napi::Env env, Napi::Object exports);
void RegisterReduce(Napi::Env env, Napi::Object exports);
void RegisterLinalg(Napi::Env env, Napi::Object exports);
void RegisterShape(Napi::Env env, Napi::Object exports);
void RegisterIndexing(Napi::Env env, Napi::Object exports);
void RegisterCreation(Napi::Env env, Napi::Object exports);
void RegisterFused(Napi::Env env, Napi::Object exports);
void RegisterDropout(Napi::Env env, Napi::Object exports);

}  // namespace tl
