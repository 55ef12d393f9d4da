// See cuda_kernels.h. PTX is NVIDIA's stable virtual ISA: the driver compiles it for the GPU it runs
// on, so these kernels need no CUDA toolkit where the addon is built. Each kernel is a grid-stride
// loop over a flat index; launches go to the legacy default stream (CUstream 0), which is the
// stream ATen's kernels run on here (this addon never switches streams), so they are ordered with
// ATen's work without any synchronisation.
#include "cuda_kernels.h"

#include "dropout_hash.h"

#include <dlfcn.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>

namespace tl {
namespace {

// ---- the kernels -------------------------------------------------------------------------------
// The first line (.version/.target) is chosen at load time: sm_80 PTX for Ampere and newer (what
// PyTorch's current wheels target), sm_50 for older GPUs; a GPU runs PTX of any lower target.
const char* kPtxBody = R"PTX(
.address_size 64

// tl_dropout(x, y, n, k1, k2, threshold, scale): y[i] = x[i] * (((h >> 8) >= threshold) ? scale : 0)
// with h = fmix32(fmix32(u32(i) + k1) ^ k2) — @tl/core's TL_DROPOUT mask.
.visible .entry tl_dropout(
    .param .u64 p_x, .param .u64 p_y, .param .u64 p_n,
    .param .u32 p_k1, .param .u32 p_k2, .param .u32 p_threshold, .param .f32 p_scale)
{
    .reg .pred %done, %keep;
    .reg .b32 %k1, %k2, %thr, %h, %t, %bid, %bdim, %tix, %nblk;
    .reg .f32 %scale, %m, %xv, %yv;
    .reg .b64 %x, %y, %n, %i, %stride, %off, %ax, %ay;

    ld.param.u64 %x, [p_x];
    ld.param.u64 %y, [p_y];
    ld.param.u64 %n, [p_n];
    ld.param.u32 %k1, [p_k1];
    ld.param.u32 %k2, [p_k2];
    ld.param.u32 %thr, [p_threshold];
    ld.param.f32 %scale, [p_scale];
    cvta.to.global.u64 %x, %x;
    cvta.to.global.u64 %y, %y;
    mov.u32 %bid, %ctaid.x;
    mov.u32 %bdim, %ntid.x;
    mov.u32 %tix, %tid.x;
    mov.u32 %nblk, %nctaid.x;
    mul.wide.u32 %i, %bid, %bdim;
    cvt.u64.u32 %off, %tix;
    add.u64 %i, %i, %off;
    mul.wide.u32 %stride, %nblk, %bdim;
D_LOOP:
    setp.ge.u64 %done, %i, %n;
    @%done bra D_END;
    cvt.u32.u64 %h, %i;
    add.u32 %h, %h, %k1;
    shr.u32 %t, %h, 16;
    xor.b32 %h, %h, %t;
    mul.lo.s32 %h, %h, -2048144789;
    shr.u32 %t, %h, 13;
    xor.b32 %h, %h, %t;
    mul.lo.s32 %h, %h, -1028477387;
    shr.u32 %t, %h, 16;
    xor.b32 %h, %h, %t;
    xor.b32 %h, %h, %k2;
    shr.u32 %t, %h, 16;
    xor.b32 %h, %h, %t;
    mul.lo.s32 %h, %h, -2048144789;
    shr.u32 %t, %h, 13;
    xor.b32 %h, %h, %t;
    mul.lo.s32 %h, %h, -1028477387;
    shr.u32 %t, %h, 16;
    xor.b32 %h, %h, %t;
    shr.u32 %h, %h, 8;
    setp.ge.u32 %keep, %h, %thr;
    selp.f32 %m, %scale, 0f00000000, %keep;
    shl.b64 %off, %i, 2;
    add.u64 %ax, %x, %off;
    add.u64 %ay, %y, %off;
    ld.global.f32 %xv, [%ax];
    mul.rn.f32 %yv, %xv, %m;
    st.global.f32 [%ay], %yv;
    add.u64 %i, %i, %stride;
    bra D_LOOP;
D_END:
    ret;
}

// tl_adamw(p, g, m, v, p_out, m_out, v_out, n, grad_scale, decay, w, one_minus_w, small, beta2,
//          one_minus_beta2, bc2_sqrt, eps, neg_step): torch's _single_tensor_adamw for one element, in
//          float32 and in @tl/core's op order (see native/fused.cc)
//   g  = g * grad_scale                                             (the clip coefficient; × 1 is exact)
//   p1 = p * decay
//   m' = small ? m + (g - m) * w : g - (g - m) * one_minus_w        (torch.lerp's two forms)
//   v' = v * beta2 + (g * g) * one_minus_beta2
//   p' = p1 + (m' / (sqrt(v') / bc2_sqrt + eps)) * neg_step
// Every operation rounds on its own (.rn: never contracted into an FMA).
.visible .entry tl_adamw(
    .param .u64 p_p, .param .u64 p_g, .param .u64 p_m, .param .u64 p_v,
    .param .u64 p_po, .param .u64 p_mo, .param .u64 p_vo, .param .u64 p_n, .param .f32 p_gscale,
    .param .f32 p_decay, .param .f32 p_w, .param .f32 p_omw, .param .u32 p_small,
    .param .f32 p_b2, .param .f32 p_omb2, .param .f32 p_bc2, .param .f32 p_eps, .param .f32 p_step)
{
    .reg .pred %done, %small;
    .reg .b32 %smallflag, %bid, %bdim, %tix, %nblk;
    .reg .f32 %gscale, %decay, %w, %omw, %b2, %omb2, %bc2, %eps, %nstep;
    .reg .f32 %pv, %gv, %mv, %vv, %d, %ma, %mb, %m2, %t, %v2, %s, %u, %p2;
    .reg .b64 %ptr_p, %ptr_g, %ptr_m, %ptr_v, %ptr_po, %ptr_mo, %ptr_vo, %n, %i, %stride, %off, %a;

    ld.param.u64 %ptr_p, [p_p];
    ld.param.u64 %ptr_g, [p_g];
    ld.param.u64 %ptr_m, [p_m];
    ld.param.u64 %ptr_v, [p_v];
    ld.param.u64 %ptr_po, [p_po];
    ld.param.u64 %ptr_mo, [p_mo];
    ld.param.u64 %ptr_vo, [p_vo];
    ld.param.u64 %n, [p_n];
    ld.param.f32 %gscale, [p_gscale];
    ld.param.f32 %decay, [p_decay];
    ld.param.f32 %w, [p_w];
    ld.param.f32 %omw, [p_omw];
    ld.param.u32 %smallflag, [p_small];
    ld.param.f32 %b2, [p_b2];
    ld.param.f32 %omb2, [p_omb2];
    ld.param.f32 %bc2, [p_bc2];
    ld.param.f32 %eps, [p_eps];
    ld.param.f32 %nstep, [p_step];
    cvta.to.global.u64 %ptr_p, %ptr_p;
    cvta.to.global.u64 %ptr_g, %ptr_g;
    cvta.to.global.u64 %ptr_m, %ptr_m;
    cvta.to.global.u64 %ptr_v, %ptr_v;
    cvta.to.global.u64 %ptr_po, %ptr_po;
    cvta.to.global.u64 %ptr_mo, %ptr_mo;
    cvta.to.global.u64 %ptr_vo, %ptr_vo;
    setp.ne.u32 %small, %smallflag, 0;
    mov.u32 %bid, %ctaid.x;
    mov.u32 %bdim, %ntid.x;
    mov.u32 %tix, %tid.x;
    mov.u32 %nblk, %nctaid.x;
    mul.wide.u32 %i, %bid, %bdim;
    cvt.u64.u32 %off, %tix;
    add.u64 %i, %i, %off;
    mul.wide.u32 %stride, %nblk, %bdim;
A_LOOP:
    setp.ge.u64 %done, %i, %n;
    @%done bra A_END;
    shl.b64 %off, %i, 2;
    add.u64 %a, %ptr_p, %off;
    ld.global.f32 %pv, [%a];
    add.u64 %a, %ptr_g, %off;
    ld.global.f32 %gv, [%a];
    add.u64 %a, %ptr_m, %off;
    ld.global.f32 %mv, [%a];
    add.u64 %a, %ptr_v, %off;
    ld.global.f32 %vv, [%a];
    mul.rn.f32 %gv, %gv, %gscale;
    mul.rn.f32 %pv, %pv, %decay;
    sub.rn.f32 %d, %gv, %mv;
    mul.rn.f32 %t, %d, %w;
    add.rn.f32 %ma, %mv, %t;
    mul.rn.f32 %t, %d, %omw;
    sub.rn.f32 %mb, %gv, %t;
    selp.f32 %m2, %ma, %mb, %small;
    mul.rn.f32 %v2, %vv, %b2;
    mul.rn.f32 %t, %gv, %gv;
    mul.rn.f32 %t, %t, %omb2;
    add.rn.f32 %v2, %v2, %t;
    sqrt.rn.f32 %s, %v2;
    div.rn.f32 %s, %s, %bc2;
    add.rn.f32 %s, %s, %eps;
    div.rn.f32 %u, %m2, %s;
    mul.rn.f32 %u, %u, %nstep;
    add.rn.f32 %p2, %pv, %u;
    add.u64 %a, %ptr_po, %off;
    st.global.f32 [%a], %p2;
    add.u64 %a, %ptr_mo, %off;
    st.global.f32 [%a], %m2;
    add.u64 %a, %ptr_vo, %off;
    st.global.f32 [%a], %v2;
    add.u64 %i, %i, %stride;
    bra A_LOOP;
A_END:
    ret;
}
)PTX";

struct PtxTarget {
  const char* name;
  const char* header;
};
const PtxTarget kPtxTargets[] = {{"sm_80", ".version 7.0\n.target sm_80\n"}, {"sm_50", ".version 6.0\n.target sm_50\n"}};

// ---- the driver API, declared here (no cuda.h) and looked up at run time ------------------------
using CUresult = int;
using CUdevice = int;
using CUcontext = void*;
using CUmodule = void*;
using CUfunction = void*;
using CUstream = void*;

struct Driver {
  CUresult (*Init)(unsigned) = nullptr;
  CUresult (*DeviceGet)(CUdevice*, int) = nullptr;
  CUresult (*PrimaryCtxRetain)(CUcontext*, CUdevice) = nullptr;
  CUresult (*CtxPush)(CUcontext) = nullptr;
  CUresult (*CtxPop)(CUcontext*) = nullptr;
  CUresult (*ModuleLoadData)(CUmodule*, const void*) = nullptr;
  CUresult (*ModuleGetFunction)(CUfunction*, CUmodule, const char*) = nullptr;
  CUresult (*LaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream,
                           void**, void**) = nullptr;
  CUresult (*GetErrorString)(CUresult, const char**) = nullptr;
};

struct DeviceKernels {
  CUcontext context = nullptr;
  CUfunction dropout = nullptr;
  CUfunction adamw = nullptr;
};

bool g_tried = false;
bool g_ok = false;
std::string g_status = "not used yet (no CUDA tensor has needed a PTX kernel)";
Driver g_driver;
std::map<int, DeviceKernels> g_devices;

std::string ErrorText(CUresult r) {
  const char* s = nullptr;
  if (g_driver.GetErrorString && g_driver.GetErrorString(r, &s) == 0 && s) return s;
  return "CUresult " + std::to_string(r);
}

template <typename F>
bool Resolve(void* lib, const char* name, F& fn) {
  fn = reinterpret_cast<F>(dlsym(lib, name));
  if (!fn) g_status = std::string("libcuda.so.1 lacks ") + name;
  return fn != nullptr;
}

bool LoadDriver() {
  if (g_tried) return g_ok;
  g_tried = true;
  const char* env = std::getenv("TL_TORCH_PTX");
  if (env && std::string(env) == "0") {
    g_status = "off (TL_TORCH_PTX=0): ATen-op fallbacks";
    return false;
  }
  void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    g_status = std::string("no driver API: ") + dlerror();
    return false;
  }
  Driver& d = g_driver;
  g_ok = Resolve(lib, "cuGetErrorString", d.GetErrorString) && Resolve(lib, "cuInit", d.Init) &&
         Resolve(lib, "cuDeviceGet", d.DeviceGet) && Resolve(lib, "cuDevicePrimaryCtxRetain", d.PrimaryCtxRetain) &&
         Resolve(lib, "cuCtxPushCurrent_v2", d.CtxPush) && Resolve(lib, "cuCtxPopCurrent_v2", d.CtxPop) &&
         Resolve(lib, "cuModuleLoadData", d.ModuleLoadData) &&
         Resolve(lib, "cuModuleGetFunction", d.ModuleGetFunction) && Resolve(lib, "cuLaunchKernel", d.LaunchKernel);
  if (g_ok) {
    const CUresult r = d.Init(0);
    if (r != 0) {
      g_ok = false;
      g_status = "cuInit: " + ErrorText(r);
    }
  }
  return g_ok;
}

// Makes the device's primary context (the one the CUDA runtime, hence ATen, uses) current for the
// scope, so module loads and launches land on the tensors' device.
class ContextScope {
 public:
  explicit ContextScope(CUcontext ctx) : ok_(g_driver.CtxPush(ctx) == 0) {}
  ~ContextScope() {
    CUcontext popped;
    if (ok_) g_driver.CtxPop(&popped);
  }
  bool ok() const { return ok_; }

 private:
  bool ok_;
};

void Launch(const DeviceKernels& k, CUfunction fn, int64_t n, void** params);
void LaunchDropout(const DeviceKernels& k, const at::Tensor& x, at::Tensor& y, const DropoutParams& p);
void LaunchAdamW(const DeviceKernels& k, const at::Tensor* in, at::Tensor* out, const AdamWConstants& c);

// Runs both kernels once on small inputs against host references (dropout bit for bit, AdamW within
// 1e-6): a driver that miscompiles them, or a mistake in the PTX, must fall back, never train wrong.
// Returns what failed ("" when both pass).
std::string SelfTest(const DeviceKernels& k, int device) {
  const at::Device dev(at::kCUDA, static_cast<c10::DeviceIndex>(device));
  const int64_t n = 5003;  // more than one block, not a multiple of one
  at::Tensor x = at::arange(n, at::kFloat).sub_(2500).mul_(0.37);
  DropoutParams p;
  p.k1 = 0x9e3779b9u;
  p.k2 = 0x7f4a7c15u;
  p.threshold = 1677722;  // ⌈0.1 · 2²⁴⌉
  p.scale = static_cast<float>(1 / 0.9);
  at::Tensor y = at::empty({n}, x.options().device(dev));
  LaunchDropout(k, x.to(dev), y, p);
  const at::Tensor got = y.cpu();
  const float* xs = x.data_ptr<float>();
  const float* ys = got.data_ptr<float>();
  for (int64_t i = 0; i < n; ++i) {
    const float want = xs[i] * ((DropoutHash(i, p.k1, p.k2) >> 8) >= p.threshold ? p.scale : 0.0f);
    if (std::memcmp(&want, &ys[i], sizeof(float)) != 0) return "tl_dropout differs at element " + std::to_string(i);
  }

  AdamWConstants c{};
  c.grad_scale = 0.37f;
  c.decay = static_cast<float>(1 - 1e-3 * 0.01);
  c.lerp_weight = static_cast<float>(1 - 0.9);
  c.one_minus_lerp_weight = static_cast<float>(0.9);
  c.beta2 = 0.999f;
  c.one_minus_beta2 = static_cast<float>(1 - 0.999);
  c.bias_correction2_sqrt = static_cast<float>(std::sqrt(1 - std::pow(0.999, 3)));
  c.eps = 1e-8f;
  c.neg_step_size = static_cast<float>(-1e-3 / (1 - std::pow(0.9, 3)));
  const at::Tensor in[4] = {at::sin(at::arange(n, at::kFloat)), at::cos(at::arange(n, at::kFloat).mul_(0.7)),
                            at::sin(at::arange(n, at::kFloat).mul_(1.3)).mul_(0.1),
                            at::cos(at::arange(n, at::kFloat).mul_(0.3)).square_().mul_(0.01)};
  const at::Tensor in_dev[4] = {in[0].to(dev), in[1].to(dev), in[2].to(dev), in[3].to(dev)};
  at::Tensor out[3] = {at::empty({n}, in_dev[0].options()), at::empty({n}, in_dev[0].options()), at::empty({n}, in_dev[0].options())};
  LaunchAdamW(k, in_dev, out, c);
  const at::Tensor res[3] = {out[0].cpu(), out[1].cpu(), out[2].cpu()};
  for (int64_t i = 0; i < n; ++i) {
    const float pv = in[0].data_ptr<float>()[i], g = in[1].data_ptr<float>()[i] * c.grad_scale;
    const float m = in[2].data_ptr<float>()[i], v = in[3].data_ptr<float>()[i];
    const float d = g - m;
    const float m2 = c.lerp_weight < 0.5f ? m + d * c.lerp_weight : g - d * c.one_minus_lerp_weight;
    const float v2 = v * c.beta2 + (g * g) * c.one_minus_beta2;
    const float p2 = pv * c.decay + (m2 / (std::sqrt(v2) / c.bias_correction2_sqrt + c.eps)) * c.neg_step_size;
    const float want[3] = {p2, m2, v2};
    for (int j = 0; j < 3; ++j) {
      const float gotv = res[j].data_ptr<float>()[i];
      if (!(std::fabs(gotv - want[j]) <= 1e-6f * (std::fabs(want[j]) + 1e-3f))) {
        return "tl_adamw output " + std::to_string(j) + " differs at element " + std::to_string(i) + ": " +
               std::to_string(gotv) + " vs " + std::to_string(want[j]);
      }
    }
  }
  return "";
}

// The kernels of one device (loaded on first use); nullptr when PTX is not available there.
const DeviceKernels* KernelsFor(int device) {
  if (!LoadDriver()) return nullptr;
  auto found = g_devices.find(device);
  if (found != g_devices.end()) return found->second.dropout ? &found->second : nullptr;
  DeviceKernels& k = g_devices[device];  // an entry without functions marks a failed device
  CUdevice dev;
  CUresult r = g_driver.DeviceGet(&dev, device);
  if (r == 0) r = g_driver.PrimaryCtxRetain(&k.context, dev);
  if (r != 0) {
    g_status = "cuda:" + std::to_string(device) + ": " + ErrorText(r);
    return nullptr;
  }
  ContextScope scope(k.context);
  if (!scope.ok()) {
    g_status = "cuda:" + std::to_string(device) + ": cannot make its primary context current";
    return nullptr;
  }
  std::string errors;
  for (const PtxTarget& target : kPtxTargets) {
    const std::string ptx = std::string(target.header) + kPtxBody;
    CUmodule module = nullptr;
    r = g_driver.ModuleLoadData(&module, ptx.c_str());
    if (r == 0) r = g_driver.ModuleGetFunction(&k.dropout, module, "tl_dropout");
    if (r == 0) r = g_driver.ModuleGetFunction(&k.adamw, module, "tl_adamw");
    if (r == 0) {
      std::string failed;
      try {
        failed = SelfTest(k, device);
      } catch (const std::exception& e) {
        failed = e.what();
      }
      if (!failed.empty()) {
        k.dropout = k.adamw = nullptr;
        g_status = "PTX self-test failed on cuda:" + std::to_string(device) + " (" + failed + "): ATen-op fallbacks";
        return nullptr;
      }
      g_status = std::string("PTX kernels (") + target.name + ") loaded on cuda:" + std::to_string(device);
      return &k;
    }
    k.dropout = k.adamw = nullptr;
    errors += std::string(errors.empty() ? "" : "; ") + target.name + ": " + ErrorText(r);
  }
  g_status = "the driver rejected the PTX (" + errors + "): ATen-op fallbacks";
  return nullptr;
}

void Launch(const DeviceKernels& k, CUfunction fn, int64_t n, void** params) {
  if (n == 0) return;
  constexpr int64_t kBlock = 256;
  const int64_t blocks = std::min<int64_t>((n + kBlock - 1) / kBlock, 8192);
  ContextScope scope(k.context);
  if (!scope.ok()) throw std::runtime_error("PTX kernel launch: cannot make the device's context current");
  const CUresult r = g_driver.LaunchKernel(fn, static_cast<unsigned>(blocks), 1, 1, kBlock, 1, 1, 0, nullptr, params, nullptr);
  if (r != 0) throw std::runtime_error("PTX kernel launch failed: " + ErrorText(r));
}

uint64_t Address(const at::Tensor& t) { return reinterpret_cast<uint64_t>(t.data_ptr()); }

void LaunchDropout(const DeviceKernels& k, const at::Tensor& x, at::Tensor& y, const DropoutParams& p) {
  uint64_t xp = Address(x), yp = Address(y);
  uint64_t n = static_cast<uint64_t>(x.numel());
  uint32_t k1 = p.k1, k2 = p.k2, threshold = p.threshold;
  float scale = p.scale;
  void* params[] = {&xp, &yp, &n, &k1, &k2, &threshold, &scale};
  Launch(k, k.dropout, x.numel(), params);
}

// in: param, grad, exp_avg, exp_avg_sq; out: their updated values.
void LaunchAdamW(const DeviceKernels& k, const at::Tensor* in, at::Tensor* out, const AdamWConstants& c) {
  uint64_t p = Address(in[0]), g = Address(in[1]), m = Address(in[2]), v = Address(in[3]);
  uint64_t po = Address(out[0]), mo = Address(out[1]), vo = Address(out[2]);
  uint64_t n = static_cast<uint64_t>(in[0].numel());
  float gscale = c.grad_scale, decay = c.decay, w = c.lerp_weight, omw = c.one_minus_lerp_weight;
  uint32_t small = c.lerp_weight < 0.5f ? 1 : 0;
  float b2 = c.beta2, omb2 = c.one_minus_beta2, bc2 = c.bias_correction2_sqrt, eps = c.eps, step = c.neg_step_size;
  void* params[] = {&p, &g, &m, &v, &po, &mo, &vo, &n, &gscale, &decay, &w, &omw, &small, &b2, &omb2, &bc2, &eps, &step};
  Launch(k, k.adamw, in[0].numel(), params);
}

}  // namespace

bool LaunchDropoutCuda(const at::Tensor& x, at::Tensor& y, const DropoutParams& p) {
  const DeviceKernels* k = KernelsFor(x.device().index());
  if (!k) return false;
  LaunchDropout(*k, x, y, p);
  return true;
}

bool LaunchAdamWCuda(const at::Tensor& param, const at::Tensor& grad, const at::Tensor& exp_avg,
                     const at::Tensor& exp_avg_sq, at::Tensor& param_out, at::Tensor& exp_avg_out,
                     at::Tensor& exp_avg_sq_out, const AdamWConstants& c) {
  const DeviceKernels* k = KernelsFor(param.device().index());
  if (!k) return false;
  const at::Tensor in[4] = {param, grad, exp_avg, exp_avg_sq};
  at::Tensor out[3] = {param_out, exp_avg_out, exp_avg_sq_out};
  LaunchAdamW(*k, in, out, c);
  return true;
}

std::string CudaKernelsStatus() { return g_status; }

}  // namespace tl
