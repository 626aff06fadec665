#pragma once
// A log search request and its translation to SQL (pure: no database needed, so the translation
// is unit-tested and EXPLAIN-ed on its own).

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fortianalyzer/search/log_filter.h"

namespace fabric::faz {

inline constexpr int64_t kMaxQueryLimit = 10000;

struct LogQuery {
  std::vector<std::string> filters;  // each parsed with parseFilter(); filters are AND-ed
  std::optional<int64_t> from_ns;    // log time >= from_ns
  std::optional<int64_t> to_ns;      // log time <= to_ns
  std::string devid;                 // exact device id
  std::string type;                  // exact type (traffic, event, utm, …)
  std::string subtype;               // exact subtype
  int64_t offset = 0;
  int64_t limit = 100;               // 1..kMaxQueryLimit
  bool oldest_first = false;         // default: newest first (time, then id)
  bool count_only = false;           // only count matching logs
};

using SqlValue = std::variant<int64_t, double, std::string>;

struct SqlQuery {
  std::string sql;
  std::vector<SqlValue> binds;  // in order of the ?s
  std::string error;            // set when the query is invalid (nothing to run)
};

// The columns every row query selects, in this order (see rowToJson).
inline constexpr const char* kRowColumns =
    "id, time_ns, received_ns, devid, devname, logid, type, subtype, level, srcip, dstip, "
    "endpoint_uid, hostname, flow_id, source_addr, registered, fields, raw";

SqlQuery buildSql(const LogQuery& query);

// The SQL condition for one parsed clause (OR of its conditions), appending its binds.
std::string clauseSql(const FilterClause& clause, std::vector<SqlValue>& binds);

}  // namespace fabric::faz
