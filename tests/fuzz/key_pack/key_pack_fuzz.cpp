// A key pack (key_packs.h) as read from key_packs.pairs, damaged any way: the first 8 input bytes
// are the hash looked up, the rest the pack. A lookup must never read out of bounds; every id it
// returns must be paired with the hash in the pack; on a sorted pack it must return exactly the
// pairs a linear scan finds.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "fortianalyzer/store/key_packs.h"

using namespace fabric::faz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 8) return 0;
  std::int64_t hash = 0;
  std::memcpy(&hash, data, 8);
  std::string_view pack(reinterpret_cast<const char*>(data) + 8, size - 8);
  std::vector<std::int64_t> found;
  findInKeyPack(pack, hash, found);
  std::vector<std::int64_t> scanned;
  bool sorted = true;
  std::size_t n = keyPackCount(pack);
  for (std::size_t i = 0; i < n; ++i) {
    KeyPair p = keyPackPair(pack, i);
    if (p.first == hash) scanned.push_back(p.second);
    if (i > 0 && keyPackPair(pack, i - 1) > p) sorted = false;
  }
  for (std::int64_t id : found) {
    bool paired = false;
    for (std::int64_t s : scanned) paired = paired || s == id;
    if (!paired) __builtin_trap();
  }
  if (sorted && found != scanned) __builtin_trap();
  return 0;
}
