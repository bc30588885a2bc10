// Per-thread free lists of same-size blocks, for objects allocated and freed by the million (SQL AST
// nodes, template values and scopes): glibc's small per-size cache overflows on such churn.
//
// Blocks up to 2 KiB are grouped in 16-byte size classes. A block may be freed on any thread (it
// joins that thread's list); each list is capped, and drained when its thread exits. With
// AddressSanitizer the pool is bypassed so use-after-free stays visible.
#ifndef FLINKDBT_BASE_SMALL_POOL_H_
#define FLINKDBT_BASE_SMALL_POOL_H_

#include <cstddef>

namespace flinkdbt {

void* PoolAllocate(std::size_t size);
// `size` must be the size the block was allocated with.
void PoolFree(void* p, std::size_t size) noexcept;

}  // namespace flinkdbt

// Class-specific allocation through the pool. In a class hierarchy with a virtual destructor, put it
// in the base: the sized delete then receives the most derived object's size.
#define FLINKDBT_POOLED_ALLOCATION                                                       \
  static void* operator new(std::size_t size) { return ::flinkdbt::PoolAllocate(size); } \
  static void operator delete(void* p, std::size_t size) noexcept { ::flinkdbt::PoolFree(p, size); }

#endif  // FLINKDBT_BASE_SMALL_POOL_H_
