// Fuzz target for the FortiOS-style log filter parser and its SQL translation (both pure).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fortianalyzer/search/log_filter.h"
#include "fortianalyzer/search/log_query.h"

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
  auto sql = fabric::faz::buildSql(q);
  if (sql.error.empty() == !result.clause.has_value()) std::abort();
  return 0;
}
