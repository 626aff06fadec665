// Fuzz target for the FortiOS-style log filter parser and its plan / candidate-block SQL (both pure), and for
// the two decoders that search runs on stored data inside SQL functions: the raw key=value scanner
// and the fields blob decoder (the same bytes are fed to all of them).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fortianalyzer/search/log_filter.h"
#include "fortianalyzer/search/log_query.h"
#include "fortianalyzer/store/field_codec.h"
#include "fortianalyzer/store/raw_fields.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = fabric::faz::parseFilter(text);
  // Exactly one of clause / error.
  if (result.clause.has_value() == !result.error.empty()) std::abort();
  if (result.clause) {
    if (result.clause->any_of.empty()) std::abort();
    for (const auto& c : result.clause->any_of) {
      if (c.field.empty() || c.position == 0 || c.position > text.size()) std::abort();
    }
  }
  fabric::faz::LogQuery q;
  q.filters.emplace_back(text);
  auto plan = fabric::faz::buildPlan(q);
  if (plan.error.empty() == !result.clause.has_value()) std::abort();
  if (plan.error.empty()) (void)fabric::faz::candidateBlocksSql(plan);

  // Raw scanner: what it yields, it must recognise again.
  std::vector<std::pair<std::string, std::string>> pairs;
  fabric::faz::forEachRawField(text, [&](std::string_view k, std::string_view v) {
    pairs.emplace_back(k, v);
    return true;
  });
  if (!fabric::faz::rawYieldsFields(text, pairs)) std::abort();
  if (!pairs.empty() && !fabric::faz::findRawField(text, pairs.front().first)) std::abort();
  // Blob codec: decoding never reads out of bounds; re-encoding what it decoded round-trips.
  std::string blob;
  for (const auto& [k, v] : fabric::faz::decodeFields(text)) fabric::faz::encodeField(blob, k, v);
  auto again = fabric::faz::decodeFields(blob);
  if (again.size() != fabric::faz::decodeFields(text).size()) std::abort();
  (void)fabric::faz::findField(text, "srcip");
  return 0;
}
