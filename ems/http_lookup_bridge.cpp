// TEMPORARY bridge, compiled only while common/http has no implementation on this branch (see
// ems/CMakeLists.txt): the three lookups of the HttpRequest contract (common/http/http.h), so the
// pure REST handler and its tests link before the HTTPS adapter lands. Removed at the merge.
#include <algorithm>
#include <cctype>

#include "common/http/http.h"

namespace fabric::http {
namespace {
bool equalsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}
std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}
}  // namespace

std::optional<std::string> HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (equalsNoCase(k, name)) return v;
  }
  return std::nullopt;
}

std::optional<std::string> HttpRequest::param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::optional<std::string> HttpRequest::cookie(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (!equalsNoCase(k, "Cookie")) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      auto eq = pair.find('=');
      if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) {
        return std::string(trim(pair.substr(eq + 1)));
      }
    }
  }
  return std::nullopt;
}

}  // namespace fabric::http
