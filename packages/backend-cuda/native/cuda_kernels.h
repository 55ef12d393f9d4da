// tl's own CUDA kernels for @tl/core's fused-kernel contracts whose math ATen has no single op for.
// The addon is compiled with plain g++ against whatever libtorch the machine has (no nvcc, no CUDA
// headers), so the kernels are PTX text, JIT-compiled by the NVIDIA driver and launched through
// the driver API, which is looked up at run time (dlopen libcuda.so.1). Where that is not possible
// (no driver, a driver that rejects the PTX, TL_TORCH_PTX=0) the Launch* functions return false
// and callers compose ATen ops instead.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <string>

namespace tl {

/** TL_DROPOUT's per-call constants, computed on the JS side by @tl/core's own functions. */
struct DropoutParams {
  uint32_t k1 = 0;
  uint32_t k2 = 0;
  uint32_t threshold = 0;  // ⌈rate · 2²⁴⌉: element i is kept when (hash_i >>> 8) >= threshold
  float scale = 1.0f;      // 1 / (1 − rate), rounded to float32
};

/** y = x · mask on x's CUDA device (x, y contiguous float32 of one size); false: not available. */
bool LaunchDropoutCuda(const at::Tensor& x, at::Tensor& y, const DropoutParams& p);

/** torch's single-tensor AdamW update, float32 throughout, in @tl/core's op order (native/fused.cc). */
struct AdamWConstants {
  float grad_scale;   // multiplies the gradient first (the clip coefficient; 1 for none)
  float decay;        // 1 − lr · weight_decay (1 when weight_decay is 0)
  float lerp_weight;  // 1 − β1
  float one_minus_lerp_weight;  // 1 − (1 − β1), rounded once (core computes it in double)
  float beta2;
  float one_minus_beta2;
  float bias_correction2_sqrt;
  float eps;
  float neg_step_size;  // −lr / (1 − β1^step)
};

/** One AdamW update of contiguous float32 tensors of one size on one CUDA device; false: not available. */
bool LaunchAdamWCuda(const at::Tensor& param, const at::Tensor& grad, const at::Tensor& exp_avg,
                     const at::Tensor& exp_avg_sq, at::Tensor& param_out, at::Tensor& exp_avg_out,
                     at::Tensor& exp_avg_sq_out, const AdamWConstants& c);

/** Whether the PTX kernels are in use, and if not why (for the device check's report). */
std::string CudaKernelsStatus();

}  // namespace tl
