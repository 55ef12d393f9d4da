// Elementwise kernels: unary ops (a table, so the TS side registers exactly what exists here),
// unary ops with numeric attributes, Cast, binary ops with NumPy broadcasting, Select, AddN.
#include "runtime.h"

namespace tl {
namespace {

using Unary = at::Tensor (*)(const at::Tensor&);
struct UnaryOp {
  const char* name;
  Unary fn;
};

// Integer and bool inputs to transcendental ops are promoted to float by ATen, as tfjs does.
const UnaryOp kUnary[] = {
    {"Abs", [](const at::Tensor& x) { return at::abs(x); }},
    {"Acos", [](const at::Tensor& x) { return at::acos(x); }},
    {"Acosh", [](const at::Tensor& x) { return at::acosh(x); }},
    {"Asin", [](const at::Tensor& x) { return at::asin(x); }},
    {"Asinh", [](const at::Tensor& x) { return at::asinh(x); }},
    {"Atan", [](const at::Tensor& x) { return at::atan(x); }},
    {"Atanh", [](const at::Tensor& x) { return at::atanh(x); }},
    {"Ceil", [](const at::Tensor& x) { return at::ceil(x); }},
    {"Cos", [](const at::Tensor& x) { return at::cos(x); }},
    {"Cosh", [](const at::Tensor& x) { return at::cosh(x); }},
    {"Elu", [](const at::Tensor& x) { return at::elu(x.is_floating_point() ? x : x.to(at::kFloat)); }},
    {"Erf", [](const at::Tensor& x) { return at::erf(x); }},
    {"Exp", [](const at::Tensor& x) { return at::exp(x); }},
    {"Expm1", [](const at::Tensor& x) { return at::expm1(x); }},
    {"Floor", [](const at::Tensor& x) { return at::floor(x); }},
    {"IsFinite", [](const at::Tensor& x) { return at::isfinite(x); }},
    {"IsInf", [](const at::Tensor& x) { return at::isinf(x); }},
    {"IsNan", [](const at::Tensor& x) { return at::isnan(x); }},
    {"Log", [](const at::Tensor& x) { return at::log(x); }},
    {"Log1p", [](const at::Tensor& x) { return at::log1p(x); }},
    {"LogicalNot", [](const at::Tensor& x) { return at::logical_not(x); }},
    {"Neg", [](const at::Tensor& x) { return at::neg(x); }},
    {"OnesLike", [](const at::Tensor& x) { return at::ones_like(x); }},
    {"Reciprocal", [](const at::Tensor& x) { return at::reciprocal(x); }},
    {"Relu", [](const at::Tensor& x) { return at::relu(x); }},
    {"Relu6", [](const at::Tensor& x) { return at::clamp(x, 0, 6); }},
    {"Round", [](const at::Tensor& x) { return at::round(x); }},  // half to even, as tfjs
    {"Rsqrt", [](const at::Tensor& x) { return at::rsqrt(x); }},
    {"Selu", [](const at::Tensor& x) { return at::selu(x.is_floating_point() ? x : x.to(at::kFloat)); }},
    {"Sigmoid", [](const at::Tensor& x) { return at::sigmoid(x); }},
    {"Sign", [](const at::Tensor& x) { return at::sign(x); }},
    {"Sin", [](const at::Tensor& x) { return at::sin(x); }},
    {"Sinh", [](const at::Tensor& x) { return at::sinh(x); }},
    // tfjs switches to the identity above ~13.9 (float32 epsilon); ATen at 20. Both are within
    // float32 rounding of log1p(exp(x)) there.
    {"Softplus", [](const at::Tensor& x) { return at::softplus(x.is_floating_point() ? x : x.to(at::kFloat)); }},
    {"Sqrt", [](const at::Tensor& x) { return at::sqrt(x); }},
    {"Square", [](const at::Tensor& x) { return at::square(x); }},
    {"Tan", [](const at::Tensor& x) { return at::tan(x); }},
    {"Tanh", [](const at::Tensor& x) { return at::tanh(x); }},
    {"ZerosLike", [](const at::Tensor& x) { return at::zeros_like(x); }},
};

using Binary = at::Tensor (*)(const at::Tensor&, const at::Tensor&);
struct BinaryOp {
  const char* name;
  Binary fn;
};

const BinaryOp kBinary[] = {
    {"Add", [](const at::Tensor& a, const at::Tensor& b) { return at::add(a, b); }},
    {"Atan2", [](const at::Tensor& a, const at::Tensor& b) { return at::atan2(a, b); }},
    {"BitwiseAnd", [](const at::Tensor& a, const at::Tensor& b) { return at::bitwise_and(a, b); }},
    // tfjs: dy where y >= 0, dy * (y + 1) below (the derivative of elu through its output).
    {"EluGrad", [](const at::Tensor& dy, const at::Tensor& y) { return at::where(y >= 0, dy, dy * (y + 1)); }},
    {"Equal", [](const at::Tensor& a, const at::Tensor& b) { return at::eq(a, b); }},
    // floor(a / b) as int32 (tfjs's FloorDiv always returns int32). For floats this is not ATen's
    // "floor" rounding, which is Python's // and differs at inexact quotients (1 // 0.1 == 9).
    {"FloorDiv",
     [](const at::Tensor& a, const at::Tensor& b) {
       return a.is_floating_point() || b.is_floating_point() ? at::floor(at::div(a, b)).to(at::kInt)
                                                             : at::div(a, b, "floor");
     }},
    {"Greater", [](const at::Tensor& a, const at::Tensor& b) { return at::gt(a, b); }},
    {"GreaterEqual", [](const at::Tensor& a, const at::Tensor& b) { return at::ge(a, b); }},
    {"Less", [](const at::Tensor& a, const at::Tensor& b) { return at::lt(a, b); }},
    {"LessEqual", [](const at::Tensor& a, const at::Tensor& b) { return at::le(a, b); }},
    {"LogicalAnd", [](const at::Tensor& a, const at::Tensor& b) { return at::logical_and(a, b); }},
    {"LogicalOr", [](const at::Tensor& a, const at::Tensor& b) { return at::logical_or(a, b); }},
    {"Maximum", [](const at::Tensor& a, const at::Tensor& b) { return at::maximum(a, b); }},
    {"Minimum", [](const at::Tensor& a, const at::Tensor& b) { return at::minimum(a, b); }},
    {"Mod", [](const at::Tensor& a, const at::Tensor& b) { return at::remainder(a, b); }},  // sign of b
    {"Multiply", [](const at::Tensor& a, const at::Tensor& b) { return at::mul(a, b); }},
    {"NotEqual", [](const at::Tensor& a, const at::Tensor& b) { return at::ne(a, b); }},
    {"Pow", [](const at::Tensor& a, const at::Tensor& b) { return at::pow(a, b); }},
    {"Prelu", [](const at::Tensor& x, const at::Tensor& alpha) { return at::where(x < 0, x * alpha, x); }},
    {"RealDiv", [](const at::Tensor& a, const at::Tensor& b) { return at::div(a, b); }},
    {"SquaredDifference", [](const at::Tensor& a, const at::Tensor& b) { return at::square(at::sub(a, b)); }},
    {"Sub", [](const at::Tensor& a, const at::Tensor& b) { return at::sub(a, b); }},
};

template <typename Op, size_t N>
Napi::Array Names(Napi::Env env, const Op (&ops)[N]) {
  Napi::Array out = Napi::Array::New(env, N);
  for (size_t i = 0; i < N; ++i) out.Set(static_cast<uint32_t>(i), ops[i].name);
  return out;
}

template <typename Op, size_t N>
const Op& Lookup(const Op (&ops)[N], int32_t code) {
  if (code < 0 || static_cast<size_t>(code) >= N) throw std::invalid_argument("unknown op code " + std::to_string(code));
  return ops[code];
}

// unary(code, x)
void UnaryCall(const Napi::CallbackInfo& info) { Emit(Lookup(kUnary, ArgInt(info, 0)).fn(ArgTensor(info, 1))); }

// binary(code, a, b)
void BinaryCall(const Napi::CallbackInfo& info) {
  at::Tensor a = ArgTensor(info, 1);
  at::Tensor b = ArgTensor(info, 2);
  AlignForElementwise(a, b);
  Emit(Lookup(kBinary, ArgInt(info, 0)).fn(a, b));
}

// cast(x, dtype): float -> int truncates toward zero and anything -> bool is "!= 0", as tfjs.
void Cast(const Napi::CallbackInfo& info) {
  const at::Tensor& x = ArgTensor(info, 0);
  const at::ScalarType type = ScalarTypeOf(ArgInt(info, 1));
  Emit(x.scalar_type() == type ? x : x.to(type));
}

// step(x, alpha): 1 where x > 0, alpha elsewhere, NaN kept.
void Step(const Napi::CallbackInfo& info) {
  const at::Tensor& x = ArgTensor(info, 0);
  const double alpha = ArgNumber(info, 1);
  at::Tensor y = at::where(x > 0, at::ones_like(x), at::full_like(x, alpha));
  Emit(x.is_floating_point() ? at::where(at::isnan(x), x, y) : y);
}

void LeakyRelu(const Napi::CallbackInfo& info) {
  const at::Tensor& x = ArgTensor(info, 0);
  Emit(at::where(x < 0, x * ArgNumber(info, 1), x));
}

void ClipByValue(const Napi::CallbackInfo& info) {
  const at::Tensor& x = ArgTensor(info, 0);
  const double lo = ArgNumber(info, 1), hi = ArgNumber(info, 2);
  // Integer bounds for integer tensors, so the result keeps the input's dtype (as tfjs).
  if (x.is_floating_point()) Emit(at::clamp(x, lo, hi));
  else Emit(at::clamp(x, static_cast<int64_t>(lo), static_cast<int64_t>(hi)));
}

// select(condition, t, e): a rank-1 condition picks whole rows of t/e (tfjs `where` semantics).
void Select(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts{ArgTensor(info, 0), ArgTensor(info, 1), ArgTensor(info, 2)};
  AlignDevices(ts);
  at::Tensor cond = ts[0].scalar_type() == at::kBool ? ts[0] : ts[0].ne(0);
  const at::Tensor& t = ts[1];
  if (cond.dim() == 1 && t.dim() > 1) {
    std::vector<int64_t> shape(t.dim(), 1);
    shape[0] = cond.size(0);
    cond = cond.reshape(shape);
  }
  Emit(at::where(cond, t, ts[2]));
}

// addN(handles[])
void AddN(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts = ArgTensors(info, 0);
  AlignDevices(ts);
  at::Tensor acc = ts.at(0);
  for (size_t i = 1; i < ts.size(); ++i) acc = at::add(acc, ts[i]);
  Emit(acc);
}

}  // namespace

void RegisterElementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("unaryOps", Names(env, kUnary));
  exports.Set("binaryOps", Names(env, kBinary));
  Export(env, exports, "unary", UnaryCall);
  Export(env, exports, "binary", BinaryCall);
  Export(env, exports, "cast", Cast);
  Export(env, exports, "step", Step);
  Export(env, exports, "leakyRelu", LeakyRelu);
  Export(env, exports, "clipByValue", ClipByValue);
  Export(env, exports, "select", Select);
  Export(env, exports, "addN", AddN);
}

}  // namespace tl
