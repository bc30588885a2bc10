// Per-thread free lists of small blocks (see small_pool.h).
//
// Each thread keeps, per 16-byte size class up to kMaxSize, a singly linked list of free blocks.
// Blocks come from ::operator new and go back to it, so a block allocated on one thread and freed
// on another simply joins the freeing thread's list: no list is ever touched by two threads. Each
// list holds at most kMaxBlocks blocks; the rest go straight back to the heap. When a thread exits
// its lists are drained; a node freed later on that thread (by another thread_local's or a static's
// destructor) goes straight to the heap.
#include "flinkdbt/base/small_pool.h"

#include <cstddef>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define FLINKDBT_NO_SMALL_POOL 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FLINKDBT_NO_SMALL_POOL 1
#endif
#endif

namespace flinkdbt {
namespace {

#ifndef FLINKDBT_NO_SMALL_POOL
constexpr std::size_t kAlign = 16;
constexpr std::size_t kMaxSize = 2048;  // sql::Statement is ~1.3 KB
constexpr std::size_t kClasses = kMaxSize / kAlign;
constexpr unsigned kMaxBlocks = 2048;

struct FreeBlock {
  FreeBlock* next;
};

// Trivially destructible, so it stays usable during thread exit after the drainer below ran.
struct Lists {
  FreeBlock* head[kClasses];
  unsigned count[kClasses];
  bool registered;
  bool dead;
};
thread_local Lists tls_lists{};

struct Drainer {
  ~Drainer() {
    Lists& l = tls_lists;
    l.dead = true;
    for (std::size_t c = 0; c < kClasses; ++c) {
      while (FreeBlock* b = l.head[c]) {
        l.head[c] = b->next;
        ::operator delete(b);
      }
      l.count[c] = 0;
    }
  }
};

// Called once per thread: constructing the function-local thread_local registers its destructor.
void RegisterDrainer() { static thread_local Drainer drainer; }

inline std::size_t ClassOf(std::size_t size) { return (size + kAlign - 1) / kAlign - 1; }
#endif

}  // namespace

void* PoolAllocate(std::size_t size) {
#ifndef FLINKDBT_NO_SMALL_POOL
  if (size != 0 && size <= kMaxSize) {
    Lists& l = tls_lists;
    std::size_t c = ClassOf(size);
    if (FreeBlock* b = l.head[c]) {
      l.head[c] = b->next;
      --l.count[c];
      return b;
    }
    return ::operator new((c + 1) * kAlign);
  }
#endif
  return ::operator new(size);
}

void PoolFree(void* p, [[maybe_unused]] std::size_t size) noexcept {
  if (p == nullptr) return;
#ifndef FLINKDBT_NO_SMALL_POOL
  if (size != 0 && size <= kMaxSize) {
    Lists& l = tls_lists;
    std::size_t c = ClassOf(size);
    if (!l.registered) {
      l.registered = true;
      RegisterDrainer();
    }
    if (!l.dead && l.count[c] < kMaxBlocks) {
      auto* b = static_cast<FreeBlock*>(p);
      b->next = l.head[c];
      l.head[c] = b;
      ++l.count[c];
      return;
    }
  }
#endif
  ::operator delete(p);
}

}  // namespace flinkdbt
