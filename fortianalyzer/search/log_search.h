#pragma once
// LogSearch: read-side of the log store. Owns one read connection to the store's database (WAL
// lets it read while the writer commits); use one LogSearch per thread. Logs are stored in blocks
// (fortianalyzer/store/log_block.h): a query picks candidate blocks by time and by the per-block
// key index, reads them newest (or oldest) first and checks each log (log_match.h), stopping as
// soon as no later block can change the page. Every call returns a result
// with `error` set instead of throwing for bad requests or database failures.
//
// Result rows are JSON objects:
//   {"id", "time" (RFC 3339 UTC, ns), "time_ns", "received_ns", "devid", "devname", "logid", "type",
//    "subtype", "level", "srcip", "dstip", "endpoint_uid", "hostname", "flow_id", "source_addr",
//    "registered", "fields": {every key=value of the line}, "raw"}
// Header keys without a value are omitted (id, time, time_ns, received_ns, fields and raw are always
// there). Strings are valid UTF-8 (invalid bytes of a raw line become U+FFFD).

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fortianalyzer/search/log_query.h"
#include "fortianalyzer/store/log_block.h"
#include "fortianalyzer/store/log_record.h"
#include "fortianalyzer/store/log_segments.h"
#include "fortianalyzer/store/sqlite_db.h"

namespace fabric::faz {

struct LogQueryResult {
  std::string error;                // non-empty: the request failed, rows/count are empty
  int64_t count = 0;                // count_only: matching logs; else rows.size()
  std::vector<nlohmann::json> rows;
};

class LogSearch {
 public:
  // Opens the store's database file (which must exist: the LogStore creates it). Throws
  // SqliteError when it cannot be opened or is not a log database.
  // A query running longer than `timeout` is interrupted and returns an error that says so.
  explicit LogSearch(const std::string& dbPath,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~LogSearch();

  LogQueryResult run(const LogQuery& query);

  // One log by id; nullopt when there is none.
  std::optional<nlohmann::json> get(LogId id);

  // `fabricctl trace`: every log carrying the flow id (field flowid), oldest first.
  LogQueryResult flowTimeline(const std::string& flowId, int64_t limit = kMaxQueryLimit);
  // Every log about an endpoint — by FortiClient uid (endpoint_uid) or by address (srcip) —
  // oldest first, optionally within [from_ns, to_ns].
  LogQueryResult endpointTimeline(const std::string& uidOrIp, std::optional<int64_t> from_ns = {},
                                  std::optional<int64_t> to_ns = {},
                                  int64_t limit = kMaxQueryLimit);

  // How a query runs, for tests and diagnostics: the EXPLAIN QUERY PLAN of its candidate-block
  // query, one line per row, then whether each block's logs are filtered.
  std::string explain(const LogQuery& query);

  // Runs a plan (log_query.h): candidate blocks in order, each block's logs checked.
  LogQueryResult runPlan(const LogPlan& plan);

 private:
  struct QueryTimeout : std::runtime_error {
    QueryTimeout() : std::runtime_error("query timed out") {}
  };
  void checkDeadline() const;
  bool loadBlock(int64_t firstId, std::vector<StoredLogView>& logs);

  std::unique_ptr<SqliteDb> db_;
  std::unique_ptr<Statement> readBlock_;
  std::unique_ptr<SegmentReader> segments_;
  std::string blockBytes_;  // the block loadBlock() decoded last (the views point into it)
  std::chrono::milliseconds timeout_;
  std::chrono::steady_clock::time_point deadline_;  // of the running query
};

// Formats nanoseconds since the epoch as RFC 3339 UTC with nanoseconds.
std::string formatTimeNs(int64_t ns);

}  // namespace fabric::faz
