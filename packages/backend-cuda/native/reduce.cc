// Reductions, arg-reductions, scans, softmax and top-k.
#include <algorithm>

#include "runtime.h"

namespace tl {
namespace {

// Applies a single-axis ATen reduction over several axes, highest first so that the remaining
// axis numbers stay valid when keepDims is false.
template <typename F>
at::Tensor EachAxis(at::Tensor x, std::vector<int64_t> axes, bool keep, F reduce_one) {
  std::sort(axes.rbegin(), axes.rend());
  for (int64_t a : axes) x = reduce_one(x, a, keep);
  return x;
}

at::Tensor ReduceBy(const std::string& op, const at::Tensor& x, std::vector<int64_t> axes, bool keep) {
  for (auto& a : axes) a = NormAxis(a, x.dim());
  // tfjs's empty axis list means "reduce nothing"; ATen's means "reduce everything".
  if (axes.empty()) return x;
  const at::ScalarType accumulate = x.scalar_type() == at::kBool ? at::kInt : x.scalar_type();
  if (op == "Sum") return at::sum(x, axes, keep, accumulate);
  if (op == "Mean") return at::mean(x.is_floating_point() ? x : x.to(at::kFloat), axes, keep);
  if (op == "Max") return at::amax(x, axes, keep);
  if (op == "Min") return at::amin(x, axes, keep);
  if (op == "Prod") {
    return EachAxis(x, axes, keep, [&](const at::Tensor& t, int64_t a, bool k) { return at::prod(t, a, k, accumulate); });
  }
  if (op == "All") {
    return EachAxis(x.to(at::kBool), axes, keep, [](const at::Tensor& t, int64_t a, bool k) { return at::all(t, a, k); });
  }
  if (op == "Any") {
    return EachAxis(x.to(at::kBool), axes, keep, [](const at::Tensor& t, int64_t a, bool k) { return at::any(t, a, k); });
  }
  throw std::invalid_argument("unknown reduction " + op);
}

// reduce(op, x, axes[], keepDims)
void Reduce(const Napi::CallbackInfo& info) {
  Emit(ReduceBy(ArgString(info, 0), ArgTensor(info, 1), ArgInts(info, 2), ArgBool(info, 3)));
}

// argReduce(isMax, x, axis): the first index of the extreme value, as int32.
void ArgReduce(const Napi::CallbackInfo& info) {
  const at::Tensor& x = ArgTensor(info, 1);
  const int64_t axis = NormAxis(ArgInt(info, 2), x.dim());
  Emit((ArgBool(info, 0) ? at::argmax(x, axis) : at::argmin(x, axis)).to(at::kInt));
}

// scan(isProduct, x, axis, exclusive, reverse)
void Scan(const Napi::CallbackInfo& info) {
  const bool product = ArgBool(info, 0);
  at::Tensor x = ArgTensor(info, 1);
  const int64_t axis = NormAxis(ArgInt(info, 2), x.dim());
  const bool exclusive = ArgBool(info, 3);
  const bool reverse = ArgBool(info, 4);
  if (reverse) x = at::flip(x, {axis});
  const at::ScalarType type = x.scalar_type() == at::kBool ? at::kInt : x.scalar_type();
  at::Tensor y = product ? at::cumprod(x, axis, type) : at::cumsum(x, axis, type);
  const int64_t n = x.size(axis);
  if (exclusive && n > 0) {
    // Shift by one along the axis, filling with the identity (0 for sums, 1 for products).
    std::vector<int64_t> first_shape = x.sizes().vec();
    first_shape[axis] = 1;
    at::Tensor identity = at::full(first_shape, product ? 1 : 0, y.options());
    y = at::cat(std::vector<at::Tensor>{identity, y.narrow(axis, 0, n - 1)}, axis);
  }
  if (reverse) y = at::flip(y, {axis});
  Emit(y);
}

// softmax(x, dim, log)
void Softmax(const Napi::CallbackInfo& info) {
  const at::Tensor& x = ArgTensor(info, 0);
  const int64_t dim = NormAxis(ArgInt(info, 1), x.dim());
  Emit(ArgBool(info, 2) ? at::log_softmax(x, dim) : at::softmax(x, dim));
}

// topk(x, k, sorted) -> [values, indices] along the last axis
void TopK(const Napi::CallbackInfo& info) {
  const at::Tensor& x = ArgTensor(info, 0);
  auto result = at::topk(x, ArgInt(info, 1), -1, /*largest=*/true, /*sorted=*/true);
  Emit(std::vector<at::Tensor>{std::get<0>(result), std::get<1>(result).to(at::kInt)});
}

}  // namespace

void RegisterReduce(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "reduce", Reduce);
  Export(env, exports, "argReduce", ArgReduce);
  Export(env, exports, "scan", Scan);
  Export(env, exports, "softmax", Softmax);
  Export(env, exports, "topk", TopK);
}

}  // namespace tl
