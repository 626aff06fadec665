#pragma once
// HugePageAllocator: a std::allocator for large tables that are probed at random (hash tables of
// millions of slots). Allocations of at least 2 MiB are aligned to 2 MiB and marked
// MADV_HUGEPAGE, so that with transparent huge pages in "madvise" mode (the default of many
// distributions) one TLB entry covers 2 MiB instead of 4 KiB: a random probe into a 32 MiB table
// then costs a cache miss, not a cache miss plus a page walk. Smaller allocations, and systems
// without THP, get ordinary memory; behaviour is the same either way.

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace fabric {

template <class T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) {
      void* p = ::operator new(bytes, std::align_val_t{alignof(T) > 64 ? alignof(T) : 64});
      return static_cast<T*>(p);
    }
    std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (p == nullptr) throw std::bad_alloc();
    ::madvise(p, rounded, MADV_HUGEPAGE);  // advisory: ignored without THP
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) < kHugePage) {
      ::operator delete(p, std::align_val_t{alignof(T) > 64 ? alignof(T) : 64});
    } else {
      std::free(p);
    }
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
  template <class U>
  bool operator!=(const HugePageAllocator<U>&) const noexcept {
    return false;
  }
};

}  // namespace fabric
