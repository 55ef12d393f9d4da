// Matrix products: BatchMatMul, _FusedMatMul (bias + activation), Einsum. On a GPU with bf16
// autocast, float32 operands are multiplied in bfloat16 with float32 results, which is what
// torch.autocast does for matmuls; everything else stays float32.
#include "runtime.h"

namespace tl {
namespace {

at::Tensor Activate(const at::Tensor& y, const std::string& activation, double alpha, const at::Tensor* prelu) {
  if (activation.empty() || activation == "linear") return y;
  if (activation == "relu") return at::relu(y);
  if (activation == "relu6") return at::clamp(y, 0, 6);
  if (activation == "elu") return at::elu(y);
  if (activation == "sigmoid") return at::sigmoid(y);
  if (activation == "leakyrelu") return at::where(y < 0, y * alpha, y);
  if (activation == "prelu" && prelu != nullptr) return at::where(y < 0, y * *prelu, y);
  throw std::invalid_argument("_FusedMatMul: unsupported activation " + activation);
}

// matmul(a, b, transposeA, transposeB, bias | -1, activation, leakyreluAlpha, preluWeights | -1, bf16)
void MatMul(const Napi::CallbackInfo& info) {
  const int32_t bias_handle = ArgInt(info, 4);
  const int32_t prelu_handle = ArgInt(info, 7);
  std::vector<at::Tensor> ts{ArgTensor(info, 0), ArgTensor(info, 1)};
  if (bias_handle >= 0) ts.push_back(Get(bias_handle));
  if (prelu_handle >= 0) ts.push_back(Get(prelu_handle));
  AlignDevices(ts);
  at::Tensor a = ArgBool(info, 2) ? ts[0].transpose(-2, -1) : ts[0];
  at::Tensor b = ArgBool(info, 3) ? ts[1].transpose(-2, -1) : ts[1];
  const at::ScalarType out_type = a.scalar_type();
  const bool bf16 = ArgBool(info, 8) && out_type == at::kFloat && a.is_cuda();
  // tfjs multiplies int32 matrices in float32; so do we (CUDA has no integer GEMM).
  const at::ScalarType compute = bf16 ? at::kBFloat16 : at::kFloat;
  if (a.scalar_type() != compute) a = a.to(compute);
  if (b.scalar_type() != compute) b = b.to(compute);
  at::Tensor y;
  size_t next = 2;
  const at::Tensor* bias = bias_handle >= 0 ? &ts[next++] : nullptr;
  const at::Tensor* prelu = prelu_handle >= 0 ? &ts[next++] : nullptr;
  if (bias != nullptr && a.dim() == 2 && b.dim() == 2 && bias->dim() <= 2) {
    // One GEMM with the bias as its C operand (what a Linear layer compiles to).
    y = at::addmm(bias->to(compute), a, b);
  } else {
    y = at::matmul(a, b);
    if (bias != nullptr) y = y + bias->to(compute);
  }
  if (y.scalar_type() != at::kFloat) y = y.to(at::kFloat);
  y = Activate(y, ArgString(info, 5), ArgNumber(info, 6), prelu);
  Emit(out_type == at::kFloat ? y : y.to(out_type));
}

// einsum(equation, handles[])
void Einsum(const Napi::CallbackInfo& info) {
  std::vector<at::Tensor> ts = ArgTensors(info, 1);
  AlignDevices(ts);
  Emit(at::einsum(ArgString(info, 0), ts));
}

}  // namespace

void RegisterLinalg(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "matmul", MatMul);
  Export(env, exports, "einsum", Einsum);
}

}  // namespace tl
