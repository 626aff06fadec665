#pragma once
// The raw-line scanner behind raw_fields.h, inline so hot callers (the ingest pipeline checking
// every line) pay no indirect call per pair. See raw_fields.h for the grammar.

#include <string>
#include <string_view>

namespace fabric::faz::raw_scan {

inline bool isKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// Scans without std::function overhead; the template keeps the hot path (rawYieldsFields) inlined.
// Values are views into `raw` unless they hold an escape (\" or \\), which is unescaped into a
// scratch string; the view passed to fn is valid only during the call.
template <typename Fn>
inline void scan(std::string_view raw, Fn&& fn) {
  size_t i = 0, n = raw.size();
  const char* p = raw.data();
  if (n > 2 && p[0] == '<') {
    size_t j = 1;
    while (j < n && j <= 4 && p[j] >= '0' && p[j] <= '9') ++j;
    if (j > 1 && j < n && p[j] == '>') i = j + 1;
  }
  std::string value;
  while (i < n) {
    while (i < n && (p[i] == ' ' || p[i] == '\r' || p[i] == '\n')) ++i;
    size_t keyStart = i;
    while (i < n && isKeyChar(p[i])) ++i;
    if (i == keyStart || i >= n || p[i] != '=') {
      while (i < n && p[i] != ' ') ++i;  // not a key=value token
      continue;
    }
    std::string_view key(p + keyStart, i - keyStart);
    ++i;  // '='
    std::string_view v;
    if (i < n && p[i] == '"') {
      ++i;
      size_t start = i;
      // Fast path: find the closing quote; only a backslash before it needs the copying path.
      while (i < n && p[i] != '"' && p[i] != '\\') ++i;
      if (i < n && p[i] == '\\') {
        value.assign(p + start, i - start);
        while (i < n && p[i] != '"') {
          if (p[i] == '\\' && i + 1 < n && (p[i + 1] == '"' || p[i + 1] == '\\')) ++i;
          value.push_back(p[i++]);
        }
        v = value;
      } else {
        v = std::string_view(p + start, i - start);
      }
      if (i < n) ++i;  // closing quote
    } else {
      size_t start = i;
      while (i < n && p[i] != ' ' && p[i] != '\r' && p[i] != '\n') ++i;
      v = std::string_view(p + start, i - start);
    }
    if (!fn(key, v)) return;
  }
}


// true when scanning `raw` yields exactly `count` pairs and same(i, key, value) holds for pair i.
template <typename Same>
bool yieldsPairs(std::string_view raw, size_t count, Same&& same) {
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

}  // namespace fabric::faz::raw_scan
