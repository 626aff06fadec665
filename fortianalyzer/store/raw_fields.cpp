#include "fortianalyzer/store/raw_fields.h"

#include "fortianalyzer/store/raw_scan.h"

namespace fabric::faz {

using raw_scan::scan;

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

}  // namespace fabric::faz
