#pragma once
// A log search request and its plan (pure: no database needed, so the translation is unit-tested
// and EXPLAIN-ed on its own). Logs are stored in blocks (fortianalyzer/store/log_block.h): a plan
// is the SQL that picks candidate blocks — by time range and by the per-block key index for
// equality filters on devid / type / subtype / srcip / endpoint_uid / flowid — plus the conditions
// every log of those blocks is then checked against (log_match.h).

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fortianalyzer/search/log_filter.h"
#include "fortianalyzer/store/log_batch.h"

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

// Where a condition reads its value from.
enum class FieldSource : std::uint8_t {
  kId,      // the log id
  kColumn,  // a header column (LogBatch::Col); an empty column is NULL
  kField,   // any other field: from the fields blob, else scanned from the raw line
};

struct PlanCondition {
  FilterCondition cond;
  FieldSource source = FieldSource::kField;
  LogBatch::Col column = LogBatch::kRaw;  // for kColumn
};

// AND of clauses, each an OR of conditions.
using PlanClause = std::vector<PlanCondition>;

struct LogPlan {
  std::string error;  // set when the query is invalid (nothing to run)
  std::vector<PlanClause> clauses;
  std::optional<int64_t> from_ns;
  std::optional<int64_t> to_ns;
  int64_t offset = 0;
  int64_t limit = 100;
  bool oldest_first = false;
  bool count_only = false;
};

// Validates and translates a query (the same error texts as ever: "limit must be between …").
LogPlan buildPlan(const LogQuery& query);

// One condition on a field, resolved to where its value is read from.
PlanCondition planCondition(FilterCondition condition);

struct SqlQuery {
  std::string sql;
  std::vector<SqlValue> binds;  // in order of the ?s
};

// The candidate blocks of a plan: SELECT first_id, count, min_time_ns, max_time_ns FROM blocks …
// in the order they should be read (newest first: max_time_ns DESC; oldest first: min_time_ns).
SqlQuery candidateBlocksSql(const LogPlan& plan);

}  // namespace fabric::faz
