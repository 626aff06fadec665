#include "fortianalyzer/store/key_packs.h"

#include <algorithm>

#include "common/sqlite/sqlite_db.h"

namespace fabric::faz {
namespace {

void putLe64(std::string& out, std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((u >> (8 * i)) & 0xff);
  out.append(b, 8);
}

std::int64_t getLe64(const char* p) {
  std::uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return static_cast<std::int64_t>(u);
}

}  // namespace

void encodeKeyPack(const KeyPair* begin, const KeyPair* end, std::string& out) {
  out.clear();
  out.reserve(static_cast<std::size_t>(end - begin) * kKeyPackPairBytes);
  for (const KeyPair* p = begin; p != end; ++p) {
    putLe64(out, p->first);
    putLe64(out, p->second);
  }
}

std::size_t keyPackCount(std::string_view pack) { return pack.size() / kKeyPackPairBytes; }

KeyPair keyPackPair(std::string_view pack, std::size_t i) {
  const char* p = pack.data() + i * kKeyPackPairBytes;
  return {getLe64(p), getLe64(p + 8)};
}

void findInKeyPack(std::string_view pack, std::int64_t hash, std::vector<std::int64_t>& out) {
  std::size_t lo = 0;
  std::size_t hi = keyPackCount(pack);
  while (lo < hi) {  // first pair with hash >= `hash` (if the pack is sorted)
    std::size_t mid = lo + (hi - lo) / 2;
    if (getLe64(pack.data() + mid * kKeyPackPairBytes) < hash) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  for (std::size_t n = keyPackCount(pack); lo < n; ++lo) {
    KeyPair kp = keyPackPair(pack, lo);
    if (kp.first != hash) break;
    out.push_back(kp.second);
  }
}

std::string keyPackLookupSql() {
  // Per run: M = the largest first hash below h (a pack starting there may end with h), then the
  // packs starting in [M, h] - one seek for M and a short range scan, both on the primary key.
  return "SELECT j.value FROM key_runs r CROSS JOIN key_packs p ON p.run = r.run AND p.first_hash BETWEEN "
         "coalesce((SELECT max(q.first_hash) FROM key_packs q WHERE q.run = r.run AND q.first_hash < "
         "?), ?) AND ?, json_each(fabric_key_pack_ids(p.pairs, ?)) j";
}

void insertKeyPacks(sqlite::Statement& insert, std::int64_t run, const std::vector<KeyPair>& pairs,
                    std::string& scratch) {
  for (std::size_t i = 0; i < pairs.size(); i += kKeyPackPairs) {
    std::size_t end = std::min(pairs.size(), i + kKeyPackPairs);
    encodeKeyPack(pairs.data() + i, pairs.data() + end, scratch);
    insert.bindInt(1, run);
    insert.bindInt(2, pairs[i].first);
    insert.bindInt(3, pairs[i].second);
    insert.bindBlob(4, scratch);
    insert.step();
    insert.reset();
  }
}

}  // namespace fabric::faz
