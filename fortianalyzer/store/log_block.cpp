#include "fortianalyzer/store/log_block.h"

#include <algorithm>
#include <cstring>

namespace fabric::faz {
namespace {

inline void putVarint(std::string& out, std::uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, static_cast<std::size_t>(n));
}

inline bool getVarint(std::string_view in, std::size_t& pos, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= in.size()) return false;
    auto byte = static_cast<std::uint8_t>(in[pos++]);
    v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

inline void putFixed64(std::string& out, std::int64_t v) {
  char buf[8];
  auto u = static_cast<std::uint64_t>(v);
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>((u >> (8 * i)) & 0xff);
  out.append(buf, 8);
}

inline bool getFixed64(std::string_view in, std::size_t& pos, std::int64_t& v) {
  if (in.size() - pos < 8) return false;
  std::uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(in[pos + i])) << (8 * i);
  pos += 8;
  v = static_cast<std::int64_t>(u);
  return true;
}

// For each column, its index in kBlockKeyColumns, or -1 when the column is not a key.
constexpr std::array<int, LogBatch::kColCount> kKeySlotOfColumn = [] {
  std::array<int, LogBatch::kColCount> slots{};
  for (auto& s : slots) s = -1;
  for (std::size_t k = 0; k < kBlockKeyColumns.size(); ++k) {
    slots[static_cast<std::size_t>(kBlockKeyColumns[k].second)] = static_cast<int>(k);
  }
  return slots;
}();

}  // namespace

void BlockBuilder::add(LogId id, std::int64_t time_ns, std::int64_t received_ns, bool registered,
                       const std::array<std::string_view, LogBatch::kColCount>& cols) {
  if (rows_ == 0) {
    firstId_ = id;
    minTime_ = maxTime_ = time_ns;
  }
  lastId_ = id;
  minTime_ = std::min(minTime_, time_ns);
  maxTime_ = std::max(maxTime_, time_ns);
  ++rows_;
  sorted_ = false;
  if (body_.empty()) body_.assign(4, '\0');  // the row count, filled in by bytes()
  putVarint(body_, static_cast<std::uint64_t>(id) - static_cast<std::uint64_t>(firstId_));
  putFixed64(body_, time_ns);
  putFixed64(body_, received_ns);
  body_.push_back(registered ? 1 : 0);
  for (int c = 0; c < LogBatch::kColCount; ++c) {
    std::string_view v = cols[static_cast<std::size_t>(c)];
    putVarint(body_, v.size());
    std::size_t at = body_.size();
    body_.append(v);
    int k = kKeySlotOfColumn[static_cast<std::size_t>(c)];
    if (k < 0 || v.empty()) continue;
    // Consecutive logs mostly repeat devid/type/subtype: skip those at once, sort the rest later.
    std::uint64_t ref = static_cast<std::uint64_t>(at) | (static_cast<std::uint64_t>(v.size()) << 32);
    std::uint64_t last = lastKey_[static_cast<std::size_t>(k)];
    if (last != 0 && std::string_view(body_).substr(last & 0xffffffffu, last >> 32) == v) continue;
    lastKey_[static_cast<std::size_t>(k)] = ref;
    keyRefs_.emplace_back(static_cast<std::uint8_t>(kBlockKeyColumns[static_cast<std::size_t>(k)].first), ref);
  }
}

void BlockBuilder::add(LogId id, const LogBatch& batch, const LogBatch::Row& row) {
  std::array<std::string_view, LogBatch::kColCount> cols;
  for (int c = 0; c < LogBatch::kColCount; ++c) {
    cols[static_cast<std::size_t>(c)] = batch.text(row, static_cast<LogBatch::Col>(c));
  }
  add(id, row.time_ns, row.received_ns, row.registered, cols);
}

void BlockBuilder::add(const StoredLogView& log) {
  add(log.id, log.time_ns, log.received_ns, log.registered, log.col);
}

std::string_view BlockBuilder::bytes() {
  if (body_.size() < 4) body_.assign(4, '\0');
  auto n = static_cast<std::uint32_t>(rows_);
  for (int i = 0; i < 4; ++i) body_[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
  return body_;
}

const std::vector<BlockBuilder::Key>& BlockBuilder::keys() {
  if (sorted_) return keys_;
  keys_.clear();
  keys_.reserve(keyRefs_.size());
  for (const auto& [kind, ref] : keyRefs_) {
    keys_.push_back({static_cast<BlockKey>(kind),
                     std::string_view(body_).substr(ref & 0xffffffffu, ref >> 32)});
  }
  std::sort(keys_.begin(), keys_.end(), [](const Key& a, const Key& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.value < b.value;
  });
  keys_.erase(std::unique(keys_.begin(), keys_.end(),
                          [](const Key& a, const Key& b) { return a.kind == b.kind && a.value == b.value; }),
              keys_.end());
  sorted_ = true;
  return keys_;
}

void BlockBuilder::clear() {
  body_.clear();
  keys_.clear();
  keyRefs_.clear();
  lastKey_ = {};
  sorted_ = false;
  rows_ = 0;
  firstId_ = lastId_ = 0;
  minTime_ = maxTime_ = 0;
}

bool decodeBlock(std::string_view in, LogId firstId, std::vector<StoredLogView>& out) {
  out.clear();
  if (in.size() < 4) return false;
  std::size_t pos = 4;
  std::uint64_t count = 0;
  for (int i = 0; i < 4; ++i) count |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(in[static_cast<std::size_t>(i)])) << (8 * i);
  // Each row needs at least 17 + kColCount bytes: a larger count is damage.
  if (count > in.size() / (17 + LogBatch::kColCount)) return false;
  out.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    StoredLogView v;
    std::uint64_t delta = 0;
    std::int64_t t = 0, r = 0;
    if (!getVarint(in, pos, delta) || !getFixed64(in, pos, t) || !getFixed64(in, pos, r) ||
        pos >= in.size()) {
      return false;
    }
    v.id = static_cast<LogId>(static_cast<std::uint64_t>(firstId) + delta);  // no signed overflow
    v.time_ns = t;
    v.received_ns = r;
    v.registered = (in[pos++] & 1) != 0;
    for (int c = 0; c < LogBatch::kColCount; ++c) {
      std::uint64_t len = 0;
      if (!getVarint(in, pos, len) || len > in.size() - pos) return false;
      v.col[static_cast<std::size_t>(c)] = in.substr(pos, len);
      pos += len;
    }
    out.push_back(v);
  }
  return pos == in.size();
}

std::int64_t blockKeyHash(BlockKey kind, std::string_view value) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&](unsigned char c) {
    h ^= c;
    h *= 1099511628211ull;
  };
  mix(static_cast<unsigned char>(kind));
  for (char c : value) mix(static_cast<unsigned char>(c));
  return static_cast<std::int64_t>(h);
}

std::string encodeBlockKeys(const std::vector<BlockBuilder::Key>& keys) {
  std::string out;
  for (const auto& k : keys) {
    out.push_back(static_cast<char>(k.kind));
    putVarint(out, k.value.size());
    out.append(k.value);
  }
  return out;
}

std::vector<BlockBuilder::Key> decodeBlockKeys(std::string_view in) {
  std::vector<BlockBuilder::Key> keys;
  std::size_t pos = 0;
  while (pos < in.size()) {
    auto kind = static_cast<BlockKey>(in[pos++]);
    std::uint64_t len = 0;
    if (!getVarint(in, pos, len) || len > in.size() - pos) break;
    keys.push_back({kind, in.substr(pos, len)});
    pos += len;
  }
  return keys;
}

}  // namespace fabric::faz
