// @tl/core's TL_DROPOUT contract (packages/core/src/nn/dropout-kernel.ts): y = x · mask with
//   mask_i = (h_i >>> 8) >= threshold ? scale : 0,   h_i = fmix32(fmix32(i + k1) ^ k2)   (u32 arithmetic)
// for the row-major index i. The keys (k1, k2), the threshold ⌈rate · 2²⁴⌉ and scale = 1 / (1 − rate)
// come from core's own functions on the JS side, so this file only evaluates the hash: the mask is
// bit for bit the one every tl backend draws (and core's dropoutMaskReference computes).
//
// Three evaluations of the same function:
//   - CPU tensors: one parallel loop (hash, compare, multiply) — no mask tensor at all;
//   - CUDA tensors: one hand-written PTX kernel launched through the driver API (cuda_kernels.cc),
//     when the driver loads it;
//   - otherwise (or when asked, to test it anywhere): the same u32 arithmetic as ATen int32 ops
//     (~25 elementwise kernels), which runs on every device ATen supports.
#include <ATen/Parallel.h>

#include <cstdint>
#include <limits>

#include "cuda_kernels.h"
#include "dropout_hash.h"
#include "runtime.h"
#include "vectorized_loop.h"

namespace tl {
namespace {

// One range of the CPU loop. Built twice (GCC target_clones, chosen when the addon loads): for AVX2,
// where the u32 multiplies and the select vectorise 8 wide (~6x faster than scalar here), and for
// any x86-64. O3 because -O2's cost model does not vectorise a loop that needs a scalar tail.
TL_VECTORIZED_LOOP
void DropoutRange(const float* src, float* dst, int64_t begin, int64_t end, uint32_t k1, uint32_t k2,
                  uint32_t threshold, float scale) {
  for (int64_t i = begin; i < end; ++i) {
    const uint32_t h = DropoutHash(static_cast<uint64_t>(i), k1, k2);
    dst[i] = src[i] * ((h >> 8) >= threshold ? scale : 0.0f);
  }
}

at::Tensor DropoutCpu(const at::Tensor& x_in, const DropoutParams& p) {
  const at::Tensor x = x_in.contiguous();
  at::Tensor y = at::empty_like(x, at::MemoryFormat::Contiguous);
  const float* src = x.data_ptr<float>();
  float* dst = y.data_ptr<float>();
  // (ATen's parallel_for is OpenMP compiled into this file: parallel when built with -fopenmp.)
  at::parallel_for(0, x.numel(), 1 << 16, [&](int64_t begin, int64_t end) {
    DropoutRange(src, dst, begin, end, p.k1, p.k2, p.threshold, p.scale);
  });
  return y;
}

// ---- the same hash as ATen ops ------------------------------------------------------------------
// int32 tensors hold the u32 bits: add, multiply and xor are the same bits in two's complement
// (ATen's int32 multiply wraps), and a logical right shift is the arithmetic shift with the
// sign-extended bits masked off.
int64_t AsInt32(uint32_t v) { return static_cast<int64_t>(static_cast<int32_t>(v)); }

void XorShiftRight(at::Tensor& h, int64_t s) {
  h.bitwise_xor_(at::bitwise_right_shift(h, s).bitwise_and_(static_cast<int64_t>(0xffffffffu >> s)));
}

void Fmix32InPlace(at::Tensor& h) {
  XorShiftRight(h, 16);
  h.mul_(AsInt32(0x85ebca6bu));
  XorShiftRight(h, 13);
  h.mul_(AsInt32(0xc2b2ae35u));
  XorShiftRight(h, 16);
}

at::Tensor DropoutComposed(const at::Tensor& x, const DropoutParams& p) {
  const int64_t n = x.numel();
  if (n > std::numeric_limits<int32_t>::max()) {
    throw std::invalid_argument("dropout: tensors of more than 2^31 - 1 elements are not supported");
  }
  at::Tensor h = at::arange(n, x.options().dtype(at::kInt));
  h.add_(AsInt32(p.k1));
  Fmix32InPlace(h);
  h.bitwise_xor_(AsInt32(p.k2));
  Fmix32InPlace(h);
  at::Tensor draw = at::bitwise_right_shift(h, 8).bitwise_and_(0xffffff);
  at::Tensor mask = draw.ge(static_cast<int64_t>(p.threshold)).to(at::kFloat).mul_(static_cast<double>(p.scale));
  return at::mul(x.contiguous(), mask.view(x.sizes()));
}

// dropout(x, k1, k2, threshold, scale, composed): see the top of this file. `composed` forces the
// ATen-op evaluation (tests use it to pin it to the reference on the CPU).
void Dropout(const Napi::CallbackInfo& info) {
  const at::Tensor& x = ArgTensor(info, 0);
  if (x.scalar_type() != at::kFloat) throw std::invalid_argument("dropout: x must be float32");
  DropoutParams p;
  p.k1 = static_cast<uint32_t>(ArgNumber(info, 1));
  p.k2 = static_cast<uint32_t>(ArgNumber(info, 2));
  p.threshold = static_cast<uint32_t>(ArgNumber(info, 3));
  p.scale = static_cast<float>(ArgNumber(info, 4));  // rounded to nearest, as Math.fround
  const bool composed = ArgBool(info, 5);
  if (!composed && x.device().is_cpu()) {
    Emit(DropoutCpu(x, p));
    return;
  }
  if (!composed && x.device().is_cuda()) {
    at::Tensor y = at::empty(x.sizes(), x.options().memory_format(at::MemoryFormat::Contiguous));
    const at::Tensor xc = x.contiguous();
    if (LaunchDropoutCuda(xc, y, p)) {
      Emit(y);
      return;
    }
  }
  Emit(DropoutComposed(x, p));
}

}  // namespace

void RegisterDropout(Napi::Env env, Napi::Object exports) { Export(env, exports, "dropout", Dropout); }

}  // namespace tl
