#include "fortianalyzer/store/raw_fields.h"

namespace fabric::faz {
namespace {

bool isKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// Scans without std::function overhead; the template keeps the hot path (rawYieldsFields) inlined.
template <typename Fn>
void scan(std::string_view raw, Fn&& fn) {
  size_t i = 0, n = raw.size();
  if (n > 2 && raw[0] == '<') {
    size_t j = 1;
    while (j < n && j <= 4 && raw[j] >= '0' && raw[j] <= '9') ++j;
    if (j > 1 && j < n && raw[j] == '>') i = j + 1;
  }
  std::string value;
  while (i < n) {
    while (i < n && (raw[i] == ' ' || raw[i] == '\r' || raw[i] == '\n')) ++i;
    size_t keyStart = i;
    while (i < n && isKeyChar(raw[i])) ++i;
    if (i == keyStart || i >= n || raw[i] != '=') {
      while (i < n && raw[i] != ' ') ++i;  // not a key=value token
      continue;
    }
    std::string_view key = raw.substr(keyStart, i - keyStart);
    ++i;  // '='
    value.clear();
    if (i < n && raw[i] == '"') {
      ++i;
      while (i < n && raw[i] != '"') {
        if (raw[i] == '\\' && i + 1 < n && (raw[i + 1] == '"' || raw[i + 1] == '\\')) ++i;
        value.push_back(raw[i++]);
      }
      if (i < n) ++i;  // closing quote
    } else {
      size_t start = i;
      while (i < n && raw[i] != ' ' && raw[i] != '\r' && raw[i] != '\n') ++i;
      value.assign(raw.substr(start, i - start));
    }
    if (!fn(key, std::string_view(value))) return;
  }
}

}  // namespace

void forEachRawField(std::string_view raw,
                     const std::function<bool(std::string_view, std::string_view)>& fn) {
  scan(raw, fn);
}

std::optional<std::string> findRawField(std::string_view raw, std::string_view key) {
  std::optional<std::string> found;
  scan(raw, [&](std::string_view k, std::string_view v) {
    if (k != key) return true;
    found = std::string(v);
    return false;
  });
  return found;
}

bool rawYieldsFields(std::string_view raw,
                     const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t next = 0;
  bool same = true;
  scan(raw, [&](std::string_view k, std::string_view v) {
    if (next >= fields.size() || fields[next].first != k || fields[next].second != v) {
      same = false;
      return false;
    }
    ++next;
    return true;
  });
  return same && next == fields.size();
}

bool rawYieldsPairs(std::string_view raw, size_t count,
                    const std::function<bool(size_t, std::string_view, std::string_view)>& same) {
  size_t next = 0;
  bool ok = true;
  scan(raw, [&](std::string_view k, std::string_view v) {
    if (next >= count || !same(next, k, v)) {
      ok = false;
      return false;
    }
    ++next;
    return true;
  });
  return ok && next == count;
}

}  // namespace fabric::faz
