// Gathers and scatters: GatherV2 (embedding lookups), GatherNd, ScatterNd, UnsortedSegmentSum (the
// gradient of every gather), OneHot.
#include "runtime.h"

namespace tl {
namespace {

at::Tensor AsIndex(const at::Tensor& t) { return t.scalar_type() == at::kLong ? t : t.to(at::kLong); }

// gather(x, indices, batchSize, outerSize, dimSize, sliceSize, outputShape[]) with the sizes of
// tfjs's segment_util.collectGatherOpShapeInfo.
void Gather(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts{ArgTensor(info, 0), ArgTensor(info, 1)};
  AlignDevices(ts);
  const at::Tensor& x = ts[0];
  const at::Tensor idx = AsIndex(ts[1]);
  const int64_t batch = ArgInt(info, 2), outer = ArgInt(info, 3), dim = ArgInt(info, 4), slice = ArgInt(info, 5);
  const auto out_shape = ArgInts(info, 6);
  at::Tensor y;
  if (batch == 1) {
    // One index list for the whole tensor: an index_select (for an embedding table, outer == 1).
    const at::Tensor flat = idx.reshape({-1});
    y = outer == 1 ? at::index_select(x.reshape({dim, slice}), 0, flat)
                   : at::index_select(x.reshape({outer, dim, slice}), 1, flat);
  } else {
    const int64_t per_batch = idx.numel() / batch;
    const at::Tensor index = idx.reshape({batch, 1, per_batch, 1}).expand({batch, outer, per_batch, slice});
    y = at::gather(x.reshape({batch, outer, dim, slice}), 2, index);
  }
  Emit(y.reshape(out_shape));
}

// Row-major linear offsets of the index tuples in the last axis of `indices` into `shape`.
at::Tensor LinearIndex(const at::Tensor& indices, at::IntArrayRef shape) {
  const int64_t depth = indices.size(-1);
  at::Tensor idx = AsIndex(indices).reshape({-1, depth});
  std::vector<int64_t> strides(depth, 1);
  for (int64_t k = depth - 2; k >= 0; --k) strides[k] = strides[k + 1] * shape[k + 1];
  at::Tensor weights = at::tensor(strides, at::TensorOptions().dtype(at::kLong)).to(idx.device());
  return (idx * weights).sum(1);
}

void GatherNd(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts{ArgTensor(info, 0), ArgTensor(info, 1)};
  AlignDevices(ts);
  const at::Tensor& params = ts[0];
  const at::Tensor& indices = ts[1];
  const int64_t depth = indices.size(-1);
  std::vector<int64_t> head(params.sizes().begin(), params.sizes().begin() + depth);
  std::vector<int64_t> tail(params.sizes().begin() + depth, params.sizes().end());
  int64_t rows = 1;
  for (int64_t s : head) rows *= s;
  std::vector<int64_t> flat_shape{rows};
  flat_shape.insert(flat_shape.end(), tail.begin(), tail.end());
  at::Tensor rows_taken = at::index_select(params.reshape(flat_shape), 0, LinearIndex(indices, head));
  std::vector<int64_t> out(indices.sizes().begin(), indices.sizes().end() - 1);
  out.insert(out.end(), tail.begin(), tail.end());
  Emit(rows_taken.reshape(out));
}

// scatterNd(indices, updates, shape[]): duplicates add up, as in TensorFlow.
void ScatterNd(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts{ArgTensor(info, 0), ArgTensor(info, 1)};
  AlignDevices(ts);
  const at::Tensor& indices = ts[0];
  const at::Tensor& updates = ts[1];
  const auto shape = ArgInts(info, 2);
  const int64_t depth = indices.size(-1);
  std::vector<int64_t> head(shape.begin(), shape.begin() + depth);
  std::vector<int64_t> tail(shape.begin() + depth, shape.end());
  int64_t rows = 1;
  for (int64_t s : head) rows *= s;
  std::vector<int64_t> flat_shape{rows};
  flat_shape.insert(flat_shape.end(), tail.begin(), tail.end());
  std::vector<int64_t> upd_shape{-1};
  upd_shape.insert(upd_shape.end(), tail.begin(), tail.end());
  at::Tensor out = at::zeros(flat_shape, updates.options());
  out.index_add_(0, LinearIndex(indices, head), updates.reshape(upd_shape));
  Emit(out.reshape(shape));
}

// unsortedSegmentSum(x, segmentIds, numSegments): rows of x summed into their segment.
void UnsortedSegmentSum(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts{ArgTensor(info, 0), ArgTensor(info, 1)};
  AlignDevices(ts);
  const at::Tensor& x = ts[0];
  const at::Tensor ids = AsIndex(ts[1]).reshape({-1});
  const int64_t segments = ArgInt(info, 2);
  std::vector<int64_t> tail(x.sizes().begin() + ts[1].dim(), x.sizes().end());
  std::vector<int64_t> out_shape{segments};
  out_shape.insert(out_shape.end(), tail.begin(), tail.end());
  std::vector<int64_t> rows_shape{ids.size(0)};
  rows_shape.insert(rows_shape.end(), tail.begin(), tail.end());
  at::Tensor out = at::zeros(out_shape, x.options());
  out.index_add_(0, ids, x.reshape(rows_shape));
  Emit(out);
}

// oneHot(indices, depth, onValue, offValue, dtype): out-of-range indices give an all-off row.
void OneHot(const Napi::CallbackInfo& info) {
  const at::Tensor& indices = ArgTensor(info, 0);
  const int64_t depth = ArgInt(info, 1);
  const at::ScalarType type = ScalarTypeOf(ArgInt(info, 4));
  const auto opts = at::TensorOptions().dtype(type).device(indices.device());
  at::Tensor classes = at::arange(depth, at::TensorOptions().dtype(at::kLong).device(indices.device()));
  at::Tensor hit = AsIndex(indices).unsqueeze(-1).eq(classes);
  Emit(at::where(hit, at::scalar_tensor(ArgNumber(info, 2), opts), at::scalar_tensor(ArgNumber(info, 3), opts)));
}

}  // namespace

void RegisterIndexing(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "gather", Gather);
  Export(env, exports, "gatherNd", GatherNd);
  Export(env, exports, "scatterNd", ScatterNd);
  Export(env, exports, "unsortedSegmentSum", UnsortedSegmentSum);
  Export(env, exports, "oneHot", OneHot);
}

}  // namespace tl
