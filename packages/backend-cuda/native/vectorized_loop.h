// TL_VECTORIZED_LOOP marks a plain loop function for SIMD: GCC builds it for AVX2 and for baseline
// x86-64 and picks one when the addon loads (target_clones, an ifunc), at O3 (O2's cost model skips
// loops that need a scalar tail). Elsewhere (other compilers, other CPUs) it is an ordinary function.
// AVX2 without FMA on purpose: no multiply-add contraction, so results are the scalar code's bits.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define TL_VECTORIZED_LOOP __attribute__((target_clones("avx2", "default"), optimize("O3")))
#else
#define TL_VECTORIZED_LOOP
#endif
