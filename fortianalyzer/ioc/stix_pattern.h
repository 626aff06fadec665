#pragma once
// The subset of the STIX 2.1 patterning language that describes plain indicators: observation
// expressions `[path = 'value']` whose comparisons and observations are joined by OR, e.g.
//   [domain-name:value = 'bad.example'] OR [url:value = 'http://bad.example/x']
//   [file:hashes.'SHA-256' = '…' OR file:hashes.MD5 = '…']
//   [ipv4-addr:value ISSUBSET '198.51.100.0/24']
// AND, FOLLOWEDBY, NOT, other operators and qualifiers (WITHIN, REPEATS, START/STOP) describe
// behaviour rather than an indicator list and are refused with a reason.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fortianalyzer/ioc/indicator.h"

namespace fabric::faz::ioc {

struct StixComparison {
  IndicatorKind kind;
  std::string value;          // the literal, unescaped, not yet normalised
  std::size_t hexLength = 0;  // 32/40/64 for a named hash algorithm
};

bool parseStixPattern(std::string_view pattern, std::vector<StixComparison>* comparisons,
                      std::string* error);

}  // namespace fabric::faz::ioc
