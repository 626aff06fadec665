#pragma once
// The FortiOS-style log filter language (as the FortiOS REST `filter=` parameter spells it):
//
//   filter    := condition ( ',' condition )*      -- comma = OR
//   condition := field op value
//   field     := [A-Za-z0-9_.-]+
//   op        := '==' | '!=' | '=@' (contains) | '!@' (does not contain)
//              | '<' | '<=' | '>' | '>='            (numeric comparison)
//   value     := any text up to the next unescaped ','; '\,' is a comma, '\\' a backslash
//
// Several filters given together are AND-ed. For address fields (srcip, dstip, …) `==`/`!=` also
// take an IPv4 CIDR: `srcip==10.0.0.0/24`. Parsing is a pure function; errors name the 1-based
// position in the filter text: "unknown operator at position 6 in 'srcip~~x'".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fabric::faz {

enum class FilterOp { kEq, kNe, kContains, kNotContains, kLt, kLe, kGt, kGe };

std::string_view toString(FilterOp op);

struct Cidr {
  uint32_t network = 0;  // host byte order
  int prefix = 32;
};

struct FilterCondition {
  std::string field;
  FilterOp op = FilterOp::kEq;
  std::string value;          // unescaped
  std::optional<Cidr> cidr;   // set when the value is a CIDR on an address field
  std::optional<double> number;  // set for <, <=, >, >=
  size_t position = 1;        // 1-based position of the field in the filter text
};

// One filter: its conditions are OR-ed.
struct FilterClause {
  std::vector<FilterCondition> any_of;
};

struct FilterParseResult {
  std::optional<FilterClause> clause;  // set on success
  std::string error;                   // set on failure
};

inline constexpr size_t kMaxFilterLength = 4096;
inline constexpr size_t kMaxConditions = 64;

FilterParseResult parseFilter(std::string_view text);

// Fields whose values are addresses (CIDR allowed).
bool isAddressField(std::string_view field);

}  // namespace fabric::faz
