#pragma once
// Tokenisers for the two FortiOS text body formats. Both are zero-copy (see field_list.h) and never
// fail: whatever is not a `key=value` token is counted as a stray token and skipped.
//
//  * key=value (the FortiOS default): space-separated; values bare (`srcip=10.0.0.1`) or quoted
//    (`msg="a b"`); inside quotes `\"`, `\\` and `\=` are escapes (any other backslash is kept);
//    `""x""` (a CSV-doubled value seen in a published FortiProxy sample) reads as `x`;
//    an opening quote without a closing one runs to the end of the line (or the first LF) and is
//    flagged Field::kUnterminated; CR, LF and TAB count as spaces.
//  * CSV (`date=2016-02-12,time=14:10:42,...`): the same, with ',' between pairs.

#include <cstddef>
#include <string_view>

#include "common/logfmt/field_list.h"

namespace fabric::logfmt {

struct KvStats {
  std::size_t stray_tokens = 0;     // tokens without `key=` (skipped)
  bool unterminated_quote = false;  // at least one value had no closing quote
  // key=value only: the pairs tile the body in the simplest layout — every key is [A-Za-z0-9_.-]+,
  // every value is a view into the body (bare up to a space/CR/LF, or quoted with no quote,
  // backslash or LF inside and not the `""x""` form), and only spaces, CR and LF lie between and
  // around the pairs (no tab, no stray token). A reader that splits on spaces and reads quoted
  // values up to the next quote (the store's raw-line scanner) then yields exactly these pairs.
  bool simple_layout = false;
};

KvStats parseKeyValue(std::string_view body, FieldList& out);
KvStats parseCsv(std::string_view body, FieldList& out);

// True when `s` begins with a key=value pair whose value is followed by ',' and another key=:
// the CSV variant of the FortiOS format.
bool looksLikeCsv(std::string_view s);

// Key characters accepted by every body format: [A-Za-z0-9_.-].
constexpr bool isKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}
// True when `s` starts with `key=` (key: one or more key characters).
bool startsWithKey(std::string_view s);

}  // namespace fabric::logfmt
