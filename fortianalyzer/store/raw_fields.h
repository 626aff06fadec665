#pragma once
// A minimal FortiOS key=value scanner over a stored raw line, so that the store need not keep a
// second copy of every field: when scanning the raw line yields exactly the pairs the parser
// produced, the `fields` blob is left empty and search reads fields from `raw` instead. Lines the
// scanner reads differently (CEF, CSV, unusual escapes) keep their blob. So search results never
// depend on this scanner being as complete as the real parser.
//
// Scanning: an optional leading syslog <PRI>; then space-separated tokens; a token
// `key=value` (key of [A-Za-z0-9_.-]) yields a pair, any other token is skipped. A value starting
// with '"' runs to the next unescaped '"' (\" and \\ unescaped); otherwise it runs to the next space.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fabric::faz {

// Calls `fn(key, value)` for each pair; stops early when fn returns false. `value` points into a
// scratch buffer valid only during the call.
void forEachRawField(std::string_view raw,
                     const std::function<bool(std::string_view, std::string_view)>& fn);

// The value of the first pair named `key` in the raw line.
std::optional<std::string> findRawField(std::string_view raw, std::string_view key);

// true when scanning `raw` yields exactly `fields` (same pairs, same order).
bool rawYieldsFields(std::string_view raw,
                     const std::vector<std::pair<std::string, std::string>>& fields);

// (raw_scan.h has the same check as an inline template for callers with their own field type.)

}  // namespace fabric::faz
