// @tl/core's fused-kernel contracts other than dropout (dropout.cc), each one call from JS:
//   adamW                TL_ADAMW_UPDATE   (packages/core/src/training/optim/adamw-kernel.ts)
//   adamWMulti           TL_ADAMW_UPDATE_MULTI (training/optim/adamw-multi-kernel.ts): adamW over many
//   globalNorm           TL_GLOBAL_NORM    (training/gradients/global-norm-kernel.ts)
//   layerNorm            TL_LAYER_NORM     (packages/core/src/nn/layer-norm-kernel.ts) = at::native_layer_norm
//   layerNormBackward    TL_LAYER_NORM_BACKWARD: dx of native_layer_norm_backward
//   layerNormGammaGrad   TL_LAYER_NORM_GAMMA_GRAD: Σ dy · x̂ over rows, x̂ from native_layer_norm
//   gelu / geluBackward  TL_GELU / TL_GELU_BACKWARD (nn/gelu-kernel.ts) = at::gelu(·, "none") and its backward
//   attentionSoftmax(+Backward)  TL_ATTENTION_SOFTMAX(+_BACKWARD) (nn/attention-softmax-kernel.ts) =
//                        at::softmax(scale·scores + mask) and scale · _softmax_backward_data
// The inputs are never written: tfjs may share a tensor's storage with others.
#include <ATen/Parallel.h>

#include <cmath>

#include "cuda_kernels.h"
#include "runtime.h"
#include "vectorized_loop.h"

namespace tl {
namespace {

// ---- AdamW -------------------------------------------------------------------------------------
// torch.optim.AdamW's _single_tensor_adamw for one parameter, its gradient first scaled by the
// clip coefficient (gradScale; 1 when not clipping), in float32 with every scalar rounded to float32
// first — in exactly the order of @tl/core's op sequence (core's AdamW with useKernel: false), so
// both round alike (bit for bit on the CPU):
//   g ← g·gradScale;  p ← p·(1 − lr·wd)
//   m ← m + (g − m)·w  (w = 1 − β1 < 0.5)  or  g − (g − m)·(1 − w)        (torch.lerp's two forms)
//   v ← v·β2 + (g·g)·(1 − β2)
//   p ← p + (m / (√v / √(1 − β2^step) + eps)) · (−lr / (1 − β1^step))
AdamWConstants ConstantsOf(double lr, double beta1, double beta2, double eps, double weight_decay, double step,
                           double grad_scale) {
  AdamWConstants c{};
  c.grad_scale = static_cast<float>(grad_scale);
  c.decay = static_cast<float>(weight_decay != 0 ? 1 - lr * weight_decay : 1.0);
  const double w = 1 - beta1;
  c.lerp_weight = static_cast<float>(w);
  c.one_minus_lerp_weight = static_cast<float>(1 - w);  // in double, as core's `1 - weight`
  c.beta2 = static_cast<float>(beta2);
  c.one_minus_beta2 = static_cast<float>(1 - beta2);
  c.bias_correction2_sqrt = static_cast<float>(std::sqrt(1 - std::pow(beta2, step)));
  c.eps = static_cast<float>(eps);
  c.neg_step_size = static_cast<float>(-(lr / (1 - std::pow(beta1, step))));
  return c;
}

// CPU: one pass over the four inputs (ATen's op sequence makes ~8 passes and 5 temporaries), one
// range at a time; vectorised like native/dropout.cc's loop. Only +, −, ×, ÷ and √ (each IEEE
// round-to-nearest in SIMD too, and AVX2 has no FMA to contract into): the same bits either way.
TL_VECTORIZED_LOOP
void AdamWRange(const float* p, const float* g, const float* m, const float* v, float* po, float* mo, float* vo,
                int64_t begin, int64_t end, const AdamWConstants& c) {
  const AdamWConstants k = c;  // a local copy, so the compiler knows the constants do not alias the outputs
  const bool small = k.lerp_weight < 0.5f;  // torch.lerp's two forms, chosen by the weight
  for (int64_t i = begin; i < end; ++i) {
    const float gi = g[i] * k.grad_scale;  // × 1 is exact, so no branch for "no clipping"
    const float d = gi - m[i];
    const float m2 = small ? m[i] + d * k.lerp_weight : gi - d * k.one_minus_lerp_weight;
    const float v2 = v[i] * k.beta2 + (gi * gi) * k.one_minus_beta2;
    const float denom = std::sqrt(v2) / k.bias_correction2_sqrt + k.eps;
    po[i] = p[i] * k.decay + (m2 / denom) * k.neg_step_size;
    mo[i] = m2;
    vo[i] = v2;
  }
}

void AdamWCpu(const at::Tensor* in, at::Tensor* out, const AdamWConstants& c) {
  const float *p = in[0].data_ptr<float>(), *g = in[1].data_ptr<float>();
  const float *m = in[2].data_ptr<float>(), *v = in[3].data_ptr<float>();
  float *po = out[0].data_ptr<float>(), *mo = out[1].data_ptr<float>(), *vo = out[2].data_ptr<float>();
  at::parallel_for(0, in[0].numel(), 1 << 15, [&](int64_t begin, int64_t end) {
    AdamWRange(p, g, m, v, po, mo, vo, begin, end, c);
  });
}

// Any other device (CUDA without the PTX kernels): the same update as ATen ops, in the same order.
std::vector<at::Tensor> AdamWComposed(const at::Tensor* in, const AdamWConstants& c) {
  const at::Tensor &param = in[0], &exp_avg = in[2], &exp_avg_sq = in[3];
  const at::Tensor g = c.grad_scale != 1.0f ? at::mul(in[1], c.grad_scale) : in[1];
  at::Tensor p = c.decay != 1.0f ? at::mul(param, c.decay) : param.clone();
  const at::Tensor d = at::sub(g, exp_avg);
  at::Tensor m = c.lerp_weight < 0.5f ? at::add(exp_avg, d.mul(c.lerp_weight)) : at::sub(g, d.mul(c.one_minus_lerp_weight));
  at::Tensor v = at::mul(exp_avg_sq, c.beta2).add_(at::mul(g, g).mul_(c.one_minus_beta2));
  const at::Tensor denom = at::sqrt(v).div_(c.bias_correction2_sqrt).add_(c.eps);
  p.add_(at::div(m, denom).mul_(c.neg_step_size));
  return {p, m, v};
}

// One parameter's update: [param', expAvg', expAvgSq'] from {param, grad, expAvg, expAvgSq}.
// `composed` forces the ATen-op path (tests pin it on the CPU).
std::vector<at::Tensor> AdamWUpdate(std::vector<at::Tensor> ts, const AdamWConstants& c, bool composed) {
  AlignDevices(ts);
  for (auto& t : ts) {
    if (t.scalar_type() != at::kFloat) throw std::invalid_argument("adamW: every input must be float32");
    if (t.numel() != ts[0].numel()) throw std::invalid_argument("adamW: inputs differ in size");
    t = t.contiguous();
  }
  const at::Tensor& p = ts[0];
  if (!composed && (p.device().is_cpu() || p.device().is_cuda())) {
    at::Tensor out[3] = {at::empty_like(p), at::empty_like(p), at::empty_like(p)};
    if (p.device().is_cpu()) {
      AdamWCpu(ts.data(), out, c);
      return {out[0], out[1], out[2]};
    }
    if (LaunchAdamWCuda(ts[0], ts[1], ts[2], ts[3], out[0], out[1], out[2], c)) return {out[0], out[1], out[2]};
  }
  return AdamWComposed(ts.data(), c);
}

// adamW(param, grad, expAvg, expAvgSq, lr, beta1, beta2, eps, weightDecay, step, gradScale, composed)
//   -> [param', expAvg', expAvgSq'].
void AdamW(const Napi::CallbackInfo& info) {
  const AdamWConstants c = ConstantsOf(ArgNumber(info, 4), ArgNumber(info, 5), ArgNumber(info, 6), ArgNumber(info, 7),
                                       ArgNumber(info, 8), ArgNumber(info, 9), ArgNumber(info, 10));
  Emit(AdamWUpdate({ArgTensor(info, 0), ArgTensor(info, 1), ArgTensor(info, 2), ArgTensor(info, 3)}, c, ArgBool(info, 11)));
}

// adamWMulti(handles: Int32Array [p0, g0, m0, v0, p1, …], lr, weightDecay, step: Float64Array (one per
//   parameter), beta1, beta2, eps, gradScale) -> [p0', m0', v0', p1', …]: TL_ADAMW_UPDATE_MULTI, the
//   whole optimizer step in one call from JS (one update per parameter, as adamW).
void AdamWMulti(const Napi::CallbackInfo& info) {
  const Napi::Int32Array handles = info[0].As<Napi::Int32Array>();
  const Napi::Float64Array lr = info[1].As<Napi::Float64Array>(), wd = info[2].As<Napi::Float64Array>();
  const Napi::Float64Array step = info[3].As<Napi::Float64Array>();
  const size_t n = lr.ElementLength();
  if (handles.ElementLength() != 4 * n || wd.ElementLength() != n || step.ElementLength() != n) {
    throw std::invalid_argument("adamWMulti: want 4 handles and one lr, weightDecay and step per parameter");
  }
  const double beta1 = ArgNumber(info, 4), beta2 = ArgNumber(info, 5), eps = ArgNumber(info, 6), scale = ArgNumber(info, 7);
  std::vector<at::Tensor> outs;
  outs.reserve(3 * n);
  for (size_t i = 0; i < n; ++i) {
    const AdamWConstants c = ConstantsOf(lr[i], beta1, beta2, eps, wd[i], step[i], scale);
    for (auto& t : AdamWUpdate({Get(handles[4 * i]), Get(handles[4 * i + 1]), Get(handles[4 * i + 2]), Get(handles[4 * i + 3])}, c, false)) {
      outs.push_back(std::move(t));
    }
  }
  Emit(outs);
}

// ---- global L2 norm --------------------------------------------------------------------------------
// globalNorm(handles: Int32Array) -> √(Σ over tensors of Σ x²), float32 scalar: TL_GLOBAL_NORM.
// On the CPU as @tl/core's composition does it (Σx² per tensor, then their sum), so the bits agree;
// on CUDA through _foreach_norm (a few multi-tensor kernels rather than two per tensor), as
// torch.nn.utils.clip_grad_norm_: the norm of the per-tensor norms, equal but for rounding.
void GlobalNorm(const Napi::CallbackInfo& info) {
  const Napi::Int32Array handles = info[0].As<Napi::Int32Array>();
  std::vector<at::Tensor> ts;
  ts.reserve(handles.ElementLength());
  for (size_t i = 0; i < handles.ElementLength(); ++i) ts.push_back(Get(handles[i]));
  if (ts.empty()) throw std::invalid_argument("globalNorm: no tensors");
  AlignDevices(ts);
  for (const auto& t : ts) {
    if (t.scalar_type() != at::kFloat) throw std::invalid_argument("globalNorm: every input must be float32");
  }
  if (ts[0].device().is_cuda()) {
    Emit(at::linalg_vector_norm(at::stack(at::_foreach_norm(ts, 2)), 2));
    return;
  }
  std::vector<at::Tensor> sums;
  sums.reserve(ts.size());
  for (const auto& t : ts) sums.push_back(at::sum(at::square(t)));
  Emit(at::sqrt(sums.size() == 1 ? sums[0] : at::sum(at::stack(sums))));
}

// ---- LayerNorm over the last axis ---------------------------------------------------------------
// layerNorm(x, gamma, beta, eps) -> y
void LayerNorm(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts{ArgTensor(info, 0), ArgTensor(info, 1), ArgTensor(info, 2)};
  AlignDevices(ts);
  const at::Tensor& x = ts[0];
  if (x.dim() < 1) throw std::invalid_argument("layerNorm: x must have rank >= 1");
  Emit(std::get<0>(at::native_layer_norm(x, {x.size(-1)}, ts[1], ts[2], ArgNumber(info, 3))));
}

// layerNormBackward(dy, x, gamma, eps) -> dx. native_layer_norm_backward wants the forward's row
// statistics (mean, 1/√(var + eps)); they are recomputed here by the forward kernel itself (its
// output is dropped), which on the CPU is ~4x faster than at::var_mean's Welford pass and gives the
// backward exactly the statistics the forward used.
void LayerNormBackward(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts{ArgTensor(info, 0), ArgTensor(info, 1), ArgTensor(info, 2)};
  AlignDevices(ts);
  // The kernels read dy, x and the statistics as dense row-major buffers.
  const at::Tensor dy = ts[0].contiguous(), x = ts[1].contiguous(), gamma = ts[2].contiguous();
  if (x.dim() < 1) throw std::invalid_argument("layerNormBackward: x must have rank >= 1");
  const int64_t h = x.size(-1);
  auto stats = at::native_layer_norm(x, {h}, c10::optional<at::Tensor>(), c10::optional<at::Tensor>(), ArgNumber(info, 3));
  auto grads = at::native_layer_norm_backward(dy, x, {h}, std::get<1>(stats), std::get<2>(stats), gamma,
                                              c10::optional<at::Tensor>(), {true, false, false});
  Emit(std::get<0>(grads));
}

// layerNormGammaGrad(dy, x, gamma, eps) -> dgamma = Σ over rows of dy · x̂, with x̂ from the forward
// kernel (no weight): the operations of core's composition (which recomputes the forward through
// tfjs in seven kernel calls), in one call. Not native_layer_norm_backward's dgamma: on a
// [8, 128, 768] batch it was 1.3e-4 (of the largest entry) away from the composition on the CPU,
// against 4e-5 for this sum.
void LayerNormGammaGrad(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts{ArgTensor(info, 0), ArgTensor(info, 1)};
  AlignDevices(ts);
  const at::Tensor &dy = ts[0], &x = ts[1];
  if (x.dim() < 1) throw std::invalid_argument("layerNormGammaGrad: x must have rank >= 1");
  const int64_t h = x.size(-1);
  const at::Tensor xhat =
      std::get<0>(at::native_layer_norm(x, {h}, c10::optional<at::Tensor>(), c10::optional<at::Tensor>(), ArgNumber(info, 3)));
  Emit(at::sum(at::mul(dy.reshape({-1, h}), xhat.reshape({-1, h})), 0));
}

// ---- exact (erf) GELU -------------------------------------------------------------------------------
void Gelu(const Napi::CallbackInfo& info) { Emit(at::gelu(ArgTensor(info, 0), "none")); }

// geluBackward(dy, x) -> dy · (Φ(x) + x·φ(x))
void GeluBackward(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts{ArgTensor(info, 0), ArgTensor(info, 1)};
  AlignDevices(ts);
  Emit(at::gelu_backward(ts[0], ts[1], "none"));
}

// ---- attention probabilities ----------------------------------------------------------------------
// attentionSoftmax(scores, maskBias, scale) -> softmax over the last axis of scores·scale + maskBias:
// the scaled scores (a fresh tensor), the mask added in place, then softmax. (One add with the scale
// as alpha and the broadcast mask as its first operand, `at::add(mask, scores, scale)`, took 13 ms
// where these two take 2 on a [32, 4, 128, 128] CPU tensor: TensorIterator's slow path.)
void AttentionSoftmax(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts{ArgTensor(info, 0), ArgTensor(info, 1)};
  AlignDevices(ts);
  Emit(at::softmax(at::mul(ts[0], ArgNumber(info, 2)).add_(ts[1]), -1));
}

// attentionSoftmaxBackward(dy, y, scale) -> scale · y · (dy − Σ dy·y)
void AttentionSoftmaxBackward(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts{ArgTensor(info, 0), ArgTensor(info, 1)};
  AlignDevices(ts);
  const at::Tensor &dy = ts[0], &y = ts[1];
  // A fresh tensor, so scaling it in place writes nothing tfjs holds.
  Emit(at::_softmax_backward_data(dy, y, -1, y.scalar_type()).mul_(ArgNumber(info, 2)));
}

}  // namespace

void RegisterFused(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "adamW", AdamW);
  Export(env, exports, "adamWMulti", AdamWMulti);
  Export(env, exports, "globalNorm", GlobalNorm);
  Export(env, exports, "layerNorm", LayerNorm);
  Export(env, exports, "layerNormBackward", LayerNormBackward);
  Export(env, exports, "layerNormGammaGrad", LayerNormGammaGrad);
  Export(env, exports, "gelu", Gelu);
  Export(env, exports, "geluBackward", GeluBackward);
  Export(env, exports, "attentionSoftmax", AttentionSoftmax);
  Export(env, exports, "attentionSoftmaxBackward", AttentionSoftmaxBackward);
  ExportValue(env, exports, "cudaKernelsStatus",
              [](const Napi::CallbackInfo& info) -> Napi::Value { return Napi::String::New(info.Env(), CudaKernelsStatus()); });
}

}  // namespace tl
