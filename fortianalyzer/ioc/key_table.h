#pragma once
// A compact set of byte-string keys, each with a 32-bit attribute: open addressing (linear probing)
// over 16-byte slots {64-bit fingerprint, arena offset, attribute}, the key bytes packed in one arena
// as [u16 length][bytes]. A lookup compares the fingerprint first and then the bytes, so there are no
// false positives. About 16 / load-factor + key length + 2 bytes per key (docs/ioc-engine.md "Memory").
//
// Not thread-safe; a built table is immutable in practice (FeedIndex is shared read-only).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/huge_page_allocator.h"

namespace fabric::faz::ioc {

class KeyTable {
 public:
  static constexpr std::size_t kMaxKeyLength = 65535;

  // Inserts key with attr, or finds the existing key; returns its attribute slot and whether the key
  // was new. Keys longer than kMaxKeyLength are refused (nullptr).
  std::uint32_t* insert(std::string_view key, std::uint32_t attr, bool* inserted);
  const std::uint32_t* find(std::string_view key) const;
  const std::uint32_t* find(std::string_view key, std::uint64_t hash) const;

  // Pre-size for n keys (avoids rehashing while loading a feed of known size).
  void reserve(std::size_t keys);
  // Releases arena slack once loading is done.
  void shrink();

  std::size_t size() const { return size_; }
  std::size_t memoryBytes() const;

  template <typename F>  // f(std::string_view key, std::uint32_t attr)
  void forEach(F&& f) const {
    for (const auto& slot : slots_) {
      if (slot.hash != 0) f(keyAt(slot.offset), slot.attr);
    }
  }

  static std::uint64_t hashOf(std::string_view key);

 private:
  struct Slot {
    std::uint64_t hash;  // 0 = empty (hashOf never returns 0)
    std::uint32_t offset;
    std::uint32_t attr;
  };
  static_assert(sizeof(Slot) == 16);

  std::string_view keyAt(std::uint32_t offset) const;
  void grow();

  std::vector<Slot, HugePageAllocator<Slot>> slots_;  // probed at random: huge pages spare the TLB
  std::vector<char> arena_;
  std::size_t size_ = 0;
};

}  // namespace fabric::faz::ioc
