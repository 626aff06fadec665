#pragma once
// HugePageAllocator: a std::allocator for large tables that are probed at random (hash tables of
// millions of slots). Allocations of at least 2 MiB get their own anonymous mapping, 2 MiB-aligned
// and marked MADV_HUGEPAGE, so that with transparent huge pages in "madvise" mode (the default of
// many distributions) one TLB entry covers 2 MiB instead of 4 KiB: a random probe into a 32 MiB
// table then costs a cache miss, not a cache miss plus a page walk. Their own mapping, not the
// malloc heap, so the advice never reaches other allocations and the memory goes back to the
// system when freed. Smaller allocations, and systems without THP, get ordinary memory; behaviour
// is the same either way.

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
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
    if (n > (static_cast<std::size_t>(-1) - 2 * kHugePage) / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
    const std::size_t rounded = roundUp(bytes);
    // Map one huge page more than needed and unmap the misaligned head and the tail.
    void* raw = ::mmap(nullptr, rounded + kHugePage, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto begin = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (begin + kHugePage - 1) & ~(std::uintptr_t{kHugePage} - 1);
    if (aligned > begin) ::munmap(raw, aligned - begin);
    const std::size_t tail = begin + rounded + kHugePage - (aligned + rounded);
    if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + rounded), tail);
    ::madvise(reinterpret_cast<void*>(aligned), rounded, MADV_HUGEPAGE);  // advisory
    return reinterpret_cast<T*>(aligned);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) {
      ::operator delete(p, std::align_val_t{alignof(T)});
    } else {
      ::munmap(p, roundUp(bytes));
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

 private:
  static std::size_t roundUp(std::size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }
};

}  // namespace fabric
