// Shape and layout kernels. Reshape, Transpose, Slice and BroadcastTo return ATen views (no copy):
// tensors here are never written in place, so sharing storage is safe.
#include "runtime.h"

namespace tl {
namespace {

void Reshape(const Napi::CallbackInfo& info) { Emit(ArgTensor(info, 0).reshape(ArgInts(info, 1))); }

void Transpose(const Napi::CallbackInfo& info) { Emit(ArgTensor(info, 0).permute(ArgInts(info, 1))); }

// slice(x, begin[], size[]) with sizes already resolved (no -1).
void Slice(const Napi::CallbackInfo& info) {
  at::Tensor x = ArgTensor(info, 0);
  const auto begin = ArgInts(info, 1);
  const auto size = ArgInts(info, 2);
  for (size_t d = 0; d < begin.size(); ++d) {
    if (begin[d] != 0 || size[d] != x.size(d)) x = x.narrow(d, begin[d], size[d]);
  }
  Emit(x);
}

// stridedSlice(x, begin[], end[], strides[], finalShape[]): per-axis bounds as tfjs's
// slice_util.sliceInfo resolved them (end is exclusive and may be -1 for a negative stride).
void StridedSlice(const Napi::CallbackInfo& info) {
  at::Tensor x = ArgTensor(info, 0);
  const auto begin = ArgInts(info, 1);
  const auto end = ArgInts(info, 2);
  const auto strides = ArgInts(info, 3);
  for (size_t d = 0; d < begin.size() && static_cast<int64_t>(d) < x.dim(); ++d) {
    const int64_t b = begin[d], e = end[d], s = strides[d];
    if (s > 0) {
      x = e > b ? x.slice(d, b, e, s) : x.narrow(d, 0, 0);
    } else {
      // ATen views have no negative steps: gather the indices b, b+s, ... (> e) instead.
      at::Tensor idx = e < b ? at::arange(b, e, s, at::TensorOptions().dtype(at::kLong).device(x.device()))
                             : at::empty({0}, at::TensorOptions().dtype(at::kLong).device(x.device()));
      x = at::index_select(x, d, idx);
    }
  }
  Emit(x.reshape(ArgInts(info, 4)));
}

void Concat(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts = ArgTensors(info, 0);
  AlignDevices(ts);
  Emit(at::cat(ts, ArgInt(info, 1)));
}

void Pack(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts = ArgTensors(info, 0);
  AlignDevices(ts);
  Emit(at::stack(ts, ArgInt(info, 1)));
}

void Unpack(const Napi::CallbackInfo& info) {
  const at::Tensor& x = ArgTensor(info, 0);
  Emit(at::unbind(x, NormAxis(ArgInt(info, 1), x.dim())));
}

// split(x, sizes[], axis)
void Split(const Napi::CallbackInfo& info) {
  const at::Tensor& x = ArgTensor(info, 0);
  Emit(at::split_with_sizes(x, ArgInts(info, 1), NormAxis(ArgInt(info, 2), x.dim())));
}

void Tile(const Napi::CallbackInfo& info) { Emit(ArgTensor(info, 0).repeat(ArgInts(info, 1))); }

// pad(x, [before0, after0, before1, after1, ...], value)
void Pad(const Napi::CallbackInfo& info) {
  const at::Tensor& x = ArgTensor(info, 0);
  const auto flat = ArgInts(info, 1);
  // constant_pad_nd lists pads from the last axis backwards.
  std::vector<int64_t> pads;
  for (int64_t d = static_cast<int64_t>(flat.size() / 2) - 1; d >= 0; --d) {
    pads.push_back(flat[2 * d]);
    pads.push_back(flat[2 * d + 1]);
  }
  Emit(at::constant_pad_nd(x, pads, ArgNumber(info, 2)));
}

// mirrorPad(x, [before0, after0, ...], symmetric): reflect excludes the edge, symmetric repeats it.
void MirrorPad(const Napi::CallbackInfo& info) {
  at::Tensor x = ArgTensor(info, 0);
  const auto flat = ArgInts(info, 1);
  const bool symmetric = ArgBool(info, 2);
  for (int64_t d = 0; d < x.dim(); ++d) {
    const int64_t before = flat[2 * d], after = flat[2 * d + 1], n = x.size(d);
    if (before == 0 && after == 0) continue;
    std::vector<int64_t> idx;
    idx.reserve(before + n + after);
    for (int64_t i = -before; i < n + after; ++i) {
      int64_t j = i;
      if (i < 0) j = symmetric ? -i - 1 : -i;
      else if (i >= n) j = symmetric ? 2 * n - 1 - i : 2 * (n - 1) - i;
      idx.push_back(j);
    }
    at::Tensor index = at::tensor(idx, at::TensorOptions().dtype(at::kLong)).to(x.device());
    x = at::index_select(x, d, index);
  }
  Emit(x);
}

void Reverse(const Napi::CallbackInfo& info) {
  const at::Tensor& x = ArgTensor(info, 0);
  auto dims = ArgInts(info, 1);
  Emit(dims.empty() ? x : at::flip(x, dims));
}

void BroadcastTo(const Napi::CallbackInfo& info) { Emit(ArgTensor(info, 0).expand(ArgInts(info, 1))); }

}  // namespace

void RegisterShape(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "reshape", Reshape);
  Export(env, exports, "transpose", Transpose);
  Export(env, exports, "slice", Slice);
  Export(env, exports, "stridedSlice", StridedSlice);
  Export(env, exports, "concat", Concat);
  Export(env, exports, "pack", Pack);
  Export(env, exports, "unpack", Unpack);
  Export(env, exports, "split", Split);
  Export(env, exports, "tile", Tile);
  Export(env, exports, "pad", Pad);
  Export(env, exports, "mirrorPad", MirrorPad);
  Export(env, exports, "reverse", Reverse);
  Export(env, exports, "broadcastTo", BroadcastTo);
}

}  // namespace tl
