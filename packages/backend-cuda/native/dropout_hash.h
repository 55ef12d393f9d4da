// @tl/core's TL_DROPOUT generator (packages/core/src/nn/dropout-kernel.ts) on the host: 32 random
// bits for element i of a mask whose per-call keys are (k1, k2) = dropoutKeys(seed).
#pragma once

#include <cstdint>

namespace tl {

// murmur3's 32-bit finaliser, as core's fmix32.
inline uint32_t Fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

// The index is a u32 in the contract (core computes (index + k1) >>> 0).
inline uint32_t DropoutHash(uint64_t index, uint32_t k1, uint32_t k2) {
  return Fmix32(Fmix32(static_cast<uint32_t>(index) + k1) ^ k2);
}

}  // namespace tl
