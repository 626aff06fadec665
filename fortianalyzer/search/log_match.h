#pragma once
// Checks one stored log against a plan's conditions (log_query.h), with the semantics the search
// API has always had:
//   ==  exact text; on an address field with a CIDR, "inside the network"; with an empty value,
//       "field absent or empty"; on id, the number
//   !=  the negation (a missing field is != any value; != empty means present and non-empty)
//   =@  contains, ASCII case-insensitive; !@ its negation (a missing field does not contain)
//   < <= > >=  numeric: the value's leading number (0 when it has none), a missing field never
//       compares
// Header fields are read from their column (empty = missing), others from the fields blob when the
// store kept one, else scanned from the raw line (raw_fields.h).

#include <string>

#include "fortianalyzer/search/log_query.h"
#include "fortianalyzer/store/log_block.h"

namespace fabric::faz {

// true when the log is inside the plan's time range and satisfies every clause.
bool logMatches(const LogPlan& plan, const StoredLogView& log);

// One condition (exposed for tests).
bool conditionMatches(const PlanCondition& condition, const StoredLogView& log);

// SQLite's CAST(text AS REAL): the longest leading decimal number, 0 when there is none.
double leadingNumber(std::string_view text);

}  // namespace fabric::faz
