// Fused kernels tfjs has no name for, which tl's core can opt into when the active backend has them
// (tf.getKernel(name, tf.getBackend())): one tfjs op where tfjs's own formulation needs many.
//   TlDropout — dropout with the mask drawn on the device from a seeded generator (tfjs draws its
//               masks in JavaScript, ~17 M uniforms per bert-mini step, 150 M for BERT-base);
//   TlAdamW   — one torch.optim.AdamW update of a parameter and its two moments.
#include <cmath>
#include <mutex>

#include "runtime.h"

namespace tl {
namespace {

// dropout(x, rate, seed): x * mask / (1 - rate) with mask ~ Bernoulli(1 - rate). The mask is a pure
// function of (seed, shape, device), so the gradient is the same op applied to dy with the same seed.
void Dropout(const Napi::CallbackInfo& info) {
  const at::Tensor& x = ArgTensor(info, 0);
  const double rate = ArgNumber(info, 1);
  const auto seed = static_cast<uint64_t>(ArgNumber(info, 2));
  if (rate <= 0) {
    Emit(x);
    return;
  }
  const double keep = 1.0 - rate;
  at::Tensor mask = at::empty(x.sizes(), x.options().dtype(at::kFloat));
  at::Generator gen = at::globalContext().defaultGenerator(x.device());
  {
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_current_seed(seed);  // on CUDA this also rewinds the Philox offset
  }
  // (Not under the lock: the sampling kernel takes the generator's mutex itself.)
  mask.bernoulli_(keep, gen);
  Emit(at::mul(x, mask.mul_(1.0 / keep)));
}

// adamW(param, grad, expAvg, expAvgSq, lr, beta1, beta2, eps, weightDecay, step)
//   -> [param', expAvg', expAvgSq'], torch.optim.AdamW's single-tensor update, op for op.
void AdamW(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts{ArgTensor(info, 0), ArgTensor(info, 1), ArgTensor(info, 2), ArgTensor(info, 3)};
  AlignDevices(ts);
  const at::Tensor &param = ts[0], &grad = ts[1], &exp_avg = ts[2], &exp_avg_sq = ts[3];
  const double lr = ArgNumber(info, 4), beta1 = ArgNumber(info, 5), beta2 = ArgNumber(info, 6);
  const double eps = ArgNumber(info, 7), weight_decay = ArgNumber(info, 8), step = ArgNumber(info, 9);
  // New tensors throughout: tfjs may share a variable's storage with other tensors.
  at::Tensor p = weight_decay != 0 ? at::mul(param, 1 - lr * weight_decay) : param.clone();
  at::Tensor m = at::lerp(exp_avg, grad, 1 - beta1);
  at::Tensor v = at::addcmul(at::mul(exp_avg_sq, beta2), grad, grad, 1 - beta2);
  const double bias_correction1 = 1 - std::pow(beta1, step);
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, step));
  at::Tensor denom = at::sqrt(v).div_(bias_correction2_sqrt).add_(eps);
  p.addcdiv_(m, denom, -lr / bias_correction1);
  Emit(std::vector<at::Tensor>{p, m, v});
}

}  // namespace

void RegisterFused(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "dropout", Dropout);
  Export(env, exports, "adamW", AdamW);
}

}  // namespace tl
