#include "fortianalyzer/search/log_search.h"

#include <cstdio>
#include <ctime>

#include "fortianalyzer/store/field_codec.h"
#include "fortianalyzer/store/raw_fields.h"
#include "fortianalyzer/store/store_schema.h"

namespace fabric::faz {
namespace {

// Copies `in`, replacing every byte that is not part of a well-formed UTF-8 sequence by U+FFFD.
std::string validUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    auto c = static_cast<unsigned char>(in[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = len > 0 && i + len <= in.size();
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(in[i + k]) & 0xc0) == 0x80;
    }
    if (ok && len == 2) ok = c >= 0xc2;  // no overlong 2-byte forms
    if (ok && len == 3) {
      auto c1 = static_cast<unsigned char>(in[i + 1]);
      ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);  // overlong, surrogates
    }
    if (ok && len == 4) {
      auto c1 = static_cast<unsigned char>(in[i + 1]);
      ok = c <= 0xf4 && !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
    }
    if (ok) {
      out.append(in.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

void bindAll(Statement& st, const std::vector<SqlValue>& binds) {
  int i = 1;
  for (const auto& b : binds) {
    if (auto v = std::get_if<int64_t>(&b)) {
      st.bindInt(i, *v);
    } else if (auto d = std::get_if<double>(&b)) {
      st.bindDouble(i, *d);
    } else {
      st.bindText(i, std::get<std::string>(b));
    }
    ++i;
  }
}

constexpr const char* kHeaderNames[] = {"devid",  "devname",      "logid",    "type",
                                        "subtype", "level",       "srcip",    "dstip",
                                        "endpoint_uid", "hostname", "flow_id", "source_addr"};

nlohmann::json rowToJson(const Statement& st) {
  nlohmann::json row = nlohmann::json::object();
  int64_t timeNs = st.columnInt(1);
  row["id"] = st.columnInt(0);
  row["time"] = formatTimeNs(timeNs);
  row["time_ns"] = timeNs;
  row["received_ns"] = st.columnInt(2);
  nlohmann::json fields = nlohmann::json::object();
  auto addField = [&](std::string_view k, std::string_view v) {
    std::string key = validUtf8(k);
    if (!fields.contains(key)) fields[key] = validUtf8(v);
    return true;
  };
  if (st.columnIsNull(16)) {
    forEachRawField(st.columnText(17), addField);  // the store found raw yields every field
  } else {
    for (const auto& [k, v] : decodeFields(st.columnText(16))) addField(k, v);
  }
  for (int col = 3; col <= 14; ++col) {
    if (st.columnIsNull(col)) continue;
    std::string_view name = kHeaderNames[col - 3];
    std::string value = validUtf8(st.columnText(col));
    row[std::string(name)] = value;
    // Put back the pairs the store left out of the blob because a column holds them.
    for (const auto& fc : kFieldColumns) {
      if (fc.column == name && !fields.contains(std::string(fc.field))) {
        fields[std::string(fc.field)] = value;
      }
    }
  }
  for (const char* always : {"devid", "type", "subtype"}) {
    if (!row.contains(always)) row[always] = "";
  }
  row["registered"] = st.columnInt(15) != 0;
  row["fields"] = std::move(fields);
  row["raw"] = validUtf8(st.columnText(17));
  return row;
}

}  // namespace

std::string formatTimeNs(int64_t ns) {
  int64_t secs = ns / 1000000000;
  int64_t frac = ns % 1000000000;
  if (frac < 0) {
    frac += 1000000000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(frac));
  return buf;
}

LogSearch::LogSearch(const std::string& dbPath, std::chrono::milliseconds timeout)
    : timeout_(timeout) {
  // Read-write open (never create) so a reader can map the WAL index even when it is first;
  // query_only keeps this connection from writing.
  db_ = std::make_unique<SqliteDb>(dbPath, false, false);
  prepareReaderDatabase(*db_);
  db_->exec("PRAGMA query_only=1");
  // Checked every ~10k VM steps: a runaway scan is interrupted instead of pinning a core.
  sqlite3_progress_handler(
      db_->handle(), 10000,
      [](void* self) -> int {
        auto* search = static_cast<LogSearch*>(self);
        return std::chrono::steady_clock::now() > search->deadline_ ? 1 : 0;
      },
      this);
}

LogQueryResult LogSearch::runSql(const SqlQuery& sql, bool countOnly) {
  LogQueryResult result;
  if (!sql.error.empty()) {
    result.error = sql.error;
    return result;
  }
  deadline_ = std::chrono::steady_clock::now() + timeout_;
  try {
    Statement st = db_->prepare(sql.sql);
    bindAll(st, sql.binds);
    if (countOnly) {
      result.count = st.step() ? st.columnInt(0) : 0;
      return result;
    }
    while (st.step()) result.rows.push_back(rowToJson(st));
    result.count = static_cast<int64_t>(result.rows.size());
  } catch (const std::exception& e) {
    bool interrupted = std::chrono::steady_clock::now() > deadline_;
    result = {};
    result.error = interrupted ? "query took longer than " + std::to_string(timeout_.count()) +
                                     " ms: narrow it with a time range or an indexed field"
                               : std::string("log database: ") + e.what();
  }
  return result;
}

LogQueryResult LogSearch::run(const LogQuery& query) {
  return runSql(buildSql(query), query.count_only);
}

std::optional<nlohmann::json> LogSearch::get(LogId id) {
  SqlQuery sql;
  sql.sql = std::string("SELECT ") + kRowColumns + " FROM logs WHERE id = ?";
  sql.binds.emplace_back(id);
  LogQueryResult r = runSql(sql, false);
  if (r.rows.empty()) return std::nullopt;
  return std::move(r.rows.front());
}

LogQueryResult LogSearch::flowTimeline(const std::string& flowId, int64_t limit) {
  SqlQuery sql;
  if (flowId.empty()) sql.error = "flow id is empty";
  if (limit < 1 || limit > kMaxQueryLimit) {
    sql.error = "limit must be between 1 and " + std::to_string(kMaxQueryLimit);
  }
  sql.sql = std::string("SELECT ") + kRowColumns +
            " FROM logs WHERE flow_id = ? ORDER BY time_ns, id LIMIT ?";
  sql.binds = {flowId, limit};
  return runSql(sql, false);
}

LogQueryResult LogSearch::endpointTimeline(const std::string& uidOrIp,
                                           std::optional<int64_t> from_ns,
                                           std::optional<int64_t> to_ns, int64_t limit) {
  SqlQuery sql;
  if (uidOrIp.empty()) sql.error = "endpoint uid or address is empty";
  if (limit < 1 || limit > kMaxQueryLimit) {
    sql.error = "limit must be between 1 and " + std::to_string(kMaxQueryLimit);
  }
  std::string range;
  std::vector<SqlValue> rangeBinds;
  if (from_ns) {
    range += " AND time_ns >= ?";
    rangeBinds.emplace_back(*from_ns);
  }
  if (to_ns) {
    range += " AND time_ns <= ?";
    rangeBinds.emplace_back(*to_ns);
  }
  // A UNION of two index lookups rather than an OR, so each side uses its own index.
  sql.sql = std::string("SELECT ") + kRowColumns + " FROM logs WHERE id IN (" +
            "SELECT id FROM logs WHERE endpoint_uid = ?" + range +
            " UNION SELECT id FROM logs WHERE srcip = ?" + range +
            ") ORDER BY time_ns, id LIMIT ?";
  sql.binds.emplace_back(uidOrIp);
  sql.binds.insert(sql.binds.end(), rangeBinds.begin(), rangeBinds.end());
  sql.binds.emplace_back(uidOrIp);
  sql.binds.insert(sql.binds.end(), rangeBinds.begin(), rangeBinds.end());
  sql.binds.emplace_back(limit);
  return runSql(sql, false);
}

std::string LogSearch::explain(const LogQuery& query) {
  SqlQuery sql = buildSql(query);
  if (!sql.error.empty()) return "error: " + sql.error;
  deadline_ = std::chrono::steady_clock::now() + timeout_;
  Statement st = db_->prepare("EXPLAIN QUERY PLAN " + sql.sql);
  bindAll(st, sql.binds);
  std::string plan;
  while (st.step()) {
    plan += st.columnText(3);
    plan += '\n';
  }
  return plan;
}

}  // namespace fabric::faz
