#include "fortianalyzer/store/field_codec.h"

#include <cstdint>

namespace fabric::faz {
namespace {

void putVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads a varint at `pos`; false when the blob ends first or the number is absurd.
bool getVarint(std::string_view in, size_t& pos, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (pos >= in.size()) return false;
    auto byte = static_cast<uint8_t>(in[pos++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

bool getString(std::string_view in, size_t& pos, std::string_view& s) {
  uint64_t len = 0;
  if (!getVarint(in, pos, len) || len > in.size() - pos) return false;
  s = in.substr(pos, len);
  pos += len;
  return true;
}

}  // namespace

void encodeField(std::string& out, std::string_view key, std::string_view value) {
  putVarint(out, key.size());
  out.append(key);
  putVarint(out, value.size());
  out.append(value);
}

std::vector<std::pair<std::string_view, std::string_view>> decodeFields(std::string_view blob) {
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  size_t pos = 0;
  std::string_view key, value;
  while (pos < blob.size() && getString(blob, pos, key) && getString(blob, pos, value)) {
    pairs.emplace_back(key, value);
  }
  return pairs;
}

std::optional<std::string_view> findField(std::string_view blob, std::string_view key) {
  size_t pos = 0;
  std::string_view k, v;
  while (pos < blob.size() && getString(blob, pos, k) && getString(blob, pos, v)) {
    if (k == key) return v;
  }
  return std::nullopt;
}

}  // namespace fabric::faz
