{
  # The addon over libtorch. Where libtorch is comes from scripts/find-libtorch.mjs
  # ($LIBTORCH, a Python torch install, or Debian's libtorch-dev); build with
  # `pnpm --filter @tl/backend-cuda run build:native`. This file sits in native/, not at the package
  # root, on purpose: a root binding.gyp makes every `pnpm install` run node-gyp implicitly.
  "targets": [
    {
      "target_name": "tl_torch",
      "sources": [
        "addon.cc", "runtime.cc", "io.cc", "elementwise.cc",
        "reduce.cc", "linalg.cc", "shape.cc", "indexing.cc",
        "creation.cc", "fused.cc", "dropout.cc", "cuda_kernels.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node ../scripts/find-libtorch.mjs --field includeDirs)"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "<!@(node ../scripts/find-libtorch.mjs --field defines)"
      ],
      # ATen needs exceptions and RTTI, which node's common.gypi turns off. -fopenmp: at::parallel_for
      # is OpenMP compiled into the including file, so the addon's own CPU loops (dropout, AdamW)
      # only run on ATen's threads when built with it (the same libgomp as Debian's libtorch).
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": [
        "-std=<!(node ../scripts/find-libtorch.mjs --field cxxStd)",
        "-fexceptions", "-frtti", "-O2", "-fopenmp", "-Wno-unused-parameter", "-Wno-deprecated-declarations"
      ],
      "ldflags": ["-fopenmp"],
      "libraries": [
        "-L<!(node ../scripts/find-libtorch.mjs --field libDir)",
        # --no-as-needed keeps libtorch_cuda linked although nothing names its symbols: its static
        # initialisers are what register the CUDA kernels and make torch::cuda::is_available() true.
        "-Wl,--no-as-needed",
        "<!@(node -e \"import('../scripts/find-libtorch.mjs').then(m => console.log(m.findLibtorch().libs.map(l => '-l' + l).join(' ')))\")",
        "-Wl,--as-needed",
        "-ldl",
        "-Wl,-rpath,<!(node ../scripts/find-libtorch.mjs --field libDir)"
      ]
    }
  ]
}
