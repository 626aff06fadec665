#include "fortianalyzer/ioc/key_table.h"

#include <cstring>
#include <stdexcept>

namespace fabric::faz::ioc {

namespace {
constexpr std::size_t kMinSlots = 16;
// Grow when more than 3/4 full: probe sequences stay short with linear probing.
bool overLoaded(std::size_t size, std::size_t slots) { return (size + 1) * 4 > slots * 3; }
}  // namespace

std::uint64_t KeyTable::hashOf(std::string_view key) {
  // FNV-1a 64 with a murmur-style finaliser (FNV alone mixes the low bits poorly for linear probing).
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h == 0 ? 1 : h;
}

std::string_view KeyTable::keyAt(std::uint32_t offset) const {
  std::uint16_t length;
  std::memcpy(&length, arena_.data() + offset, sizeof length);
  return {arena_.data() + offset + sizeof length, length};
}

void KeyTable::reserve(std::size_t keys) {
  std::size_t wanted = kMinSlots;
  while (overLoaded(keys, wanted)) wanted *= 2;
  if (wanted <= slots_.size()) return;
  std::vector<Slot, HugePageAllocator<Slot>> old;
  old.swap(slots_);
  slots_.assign(wanted, Slot{0, 0, 0});
  const std::size_t mask = slots_.size() - 1;
  for (const auto& slot : old) {
    if (slot.hash == 0) continue;
    std::size_t i = slot.hash & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

void KeyTable::grow() { reserve(slots_.empty() ? kMinSlots : (size_ + 1) * 2); }

void KeyTable::shrink() { arena_.shrink_to_fit(); }

std::uint32_t* KeyTable::insert(std::string_view key, std::uint32_t attr, bool* inserted) {
  *inserted = false;
  if (key.size() > kMaxKeyLength) return nullptr;
  if (slots_.empty() || overLoaded(size_, slots_.size())) grow();
  const std::uint64_t hash = hashOf(key);
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (slots_[i].hash != 0) {
    if (slots_[i].hash == hash && keyAt(slots_[i].offset) == key) return &slots_[i].attr;
    i = (i + 1) & mask;
  }
  if (arena_.size() + key.size() + 2 > UINT32_MAX) {
    throw std::length_error("KeyTable arena exceeds 4 GiB");
  }
  auto offset = static_cast<std::uint32_t>(arena_.size());
  auto length = static_cast<std::uint16_t>(key.size());
  arena_.resize(arena_.size() + sizeof length + key.size());
  std::memcpy(arena_.data() + offset, &length, sizeof length);
  if (!key.empty()) std::memcpy(arena_.data() + offset + sizeof length, key.data(), key.size());
  slots_[i] = Slot{hash, offset, attr};
  ++size_;
  *inserted = true;
  return &slots_[i].attr;
}

const std::uint32_t* KeyTable::find(std::string_view key) const { return find(key, hashOf(key)); }

const std::uint32_t* KeyTable::find(std::string_view key, std::uint64_t hash) const {
  if (slots_.empty()) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (slots_[i].hash != 0) {
    if (slots_[i].hash == hash && keyAt(slots_[i].offset) == key) return &slots_[i].attr;
    i = (i + 1) & mask;
  }
  return nullptr;
}

std::size_t KeyTable::memoryBytes() const {
  return slots_.capacity() * sizeof(Slot) + arena_.capacity();
}

}  // namespace fabric::faz::ioc
