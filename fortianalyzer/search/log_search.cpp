#include "fortianalyzer/search/log_search.h"

#include <cstdio>
#include <ctime>
#include <map>
#include <queue>
#include <algorithm>

#include "fortianalyzer/search/log_match.h"
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

// Log fields a column is filled from when the log has no field of the column's name
// (fortianalyzer/ingest/log_mapping.cpp, common/logfmt slots).
constexpr std::pair<std::string_view, std::string_view> kColumnAliases[] = {
    {"id", "logid"}, {"log_id", "logid"}, {"device_id", "devid"}, {"pri", "level"}, {"deviceip", "srcip"}};

nlohmann::json rowToJson(const StoredLogView& log) {
  nlohmann::json row = nlohmann::json::object();
  row["id"] = log.id;
  row["time"] = formatTimeNs(log.time_ns);
  row["time_ns"] = log.time_ns;
  row["received_ns"] = log.received_ns;
  nlohmann::json fields = nlohmann::json::object();
  auto addField = [&](std::string_view k, std::string_view v) {
    std::string key = validUtf8(k);
    if (!fields.contains(key)) fields[key] = validUtf8(v);
    return true;
  };
  std::string_view blob = log.text(LogBatch::kFieldsBlob);
  if (blob.empty()) {
    forEachRawField(log.text(LogBatch::kRaw), addField);  // the store found raw yields every field
  } else {
    for (const auto& [k, v] : decodeFields(blob)) addField(k, v);
  }
  for (int col = LogBatch::kDevid; col <= LogBatch::kSourceAddr; ++col) {
    std::string_view text = log.text(static_cast<LogBatch::Col>(col));
    if (text.empty()) continue;
    std::string_view name = kHeaderNames[col];
    std::string value = validUtf8(text);
    row[std::string(name)] = value;
    // Put back the pairs the store left out of a fields blob because a column holds them. Not for
    // a row read from its raw line (that yields every pair), and not a value the column took from
    // another field (FortiClient `id` → logid, `deviceip` → srcip, FortiManager `log_id`,
    // `device_id`, `pri`; endpoint_uid is fctuid/uid): the fields are what the log says.
    if (blob.empty() || name == "endpoint_uid") continue;
    for (const auto& fc : kFieldColumns) {
      if (fc.column != name || fields.contains(std::string(fc.field))) continue;
      bool aliased = false;
      for (const auto& [alias, column] : kColumnAliases)
        aliased = aliased || (column == name && fields.value(std::string(alias), std::string()) == value);
      if (!aliased) fields[std::string(fc.field)] = value;
    }
  }
  for (const char* always : {"devid", "type", "subtype"}) {
    if (!row.contains(always)) row[always] = "";
  }
  row["registered"] = log.registered;
  row["fields"] = std::move(fields);
  row["raw"] = validUtf8(log.text(LogBatch::kRaw));
  return row;
}

struct BlockMeta {
  int64_t first_id = 0;
  int64_t count = 0;
  int64_t min_time = 0;
  int64_t max_time = 0;
};

// A matching log kept for the result page: its sort key and its block.
struct Hit {
  int64_t time_ns = 0;
  LogId id = 0;
  int64_t block = 0;
};

// A read transaction for the whole query: every block read sees the same snapshot.
class ReadTransaction {
 public:
  explicit ReadTransaction(SqliteDb& db) : db_(db) {
    // A transaction an interrupted query left open would make every later BEGIN fail.
    if (sqlite3_get_autocommit(db_.handle()) == 0) {
      sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    db_.exec("BEGIN");
  }
  ~ReadTransaction() {
    if (sqlite3_get_autocommit(db_.handle()) == 0) {
      sqlite3_exec(db_.handle(), "COMMIT", nullptr, nullptr, nullptr);
    }
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  SqliteDb& db_;
};

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
  // Checked every ~10k VM steps: a runaway query is interrupted instead of pinning a core (the
  // block scans check the same deadline between blocks).
  sqlite3_progress_handler(
      db_->handle(), 10000,
      [](void* self) -> int {
        auto* search = static_cast<LogSearch*>(self);
        return std::chrono::steady_clock::now() > search->deadline_ ? 1 : 0;
      },
      this);
}

LogSearch::~LogSearch() = default;

void LogSearch::checkDeadline() const {
  if (std::chrono::steady_clock::now() > deadline_) throw QueryTimeout();
}

bool LogSearch::loadBlock(int64_t firstId, std::vector<StoredLogView>& logs) {
  if (!readBlock_) {
    readBlock_ = std::make_unique<Statement>(
        db_->prepare("SELECT data, seg, seg_off, seg_len FROM blocks WHERE first_id = ?1"));
    segments_ = std::make_unique<SegmentReader>(segmentDir(*db_));
  }
  Statement& st = *readBlock_;
  st.reset();
  st.bindInt(1, firstId);
  logs.clear();
  if (!st.step()) return false;
  bool readable = readBlockColumns(st, 0, *segments_, blockBytes_);
  st.reset();
  if (!readable) return false;  // segment bytes gone (retention racing this query) or damaged
  decodeBlock(blockBytes_, firstId, logs);
  return true;
}

LogQueryResult LogSearch::runPlan(const LogPlan& plan) {
  LogQueryResult result;
  if (!plan.error.empty()) {
    result.error = plan.error;
    return result;
  }
  deadline_ = std::chrono::steady_clock::now() + timeout_;
  try {
    ReadTransaction tx(*db_);
    std::vector<BlockMeta> blocks;
    {
      SqlQuery sql = candidateBlocksSql(plan);
      Statement st = db_->prepare(sql.sql);
      bindAll(st, sql.binds);
      while (st.step()) {
        blocks.push_back({st.columnInt(0), st.columnInt(1), st.columnInt(2), st.columnInt(3)});
      }
    }
    std::vector<StoredLogView> logs;
    if (plan.count_only) {
      for (const BlockMeta& b : blocks) {
        checkDeadline();
        bool inside = (!plan.from_ns || b.min_time >= *plan.from_ns) &&
                      (!plan.to_ns || b.max_time <= *plan.to_ns);
        if (plan.clauses.empty() && inside) {
          result.count += b.count;  // every log of the block matches: no need to read it
          continue;
        }
        loadBlock(b.first_id, logs);
        for (const auto& log : logs) result.count += logMatches(plan, log) ? 1 : 0;
      }
      return result;
    }
    // The best offset+limit hits; the heap's top is the worst of them.
    auto size = static_cast<size_t>(plan.offset + plan.limit);
    bool oldest = plan.oldest_first;
    auto better = [oldest](const Hit& a, const Hit& b) {
      return oldest ? std::pair(a.time_ns, a.id) < std::pair(b.time_ns, b.id)
                    : std::pair(a.time_ns, a.id) > std::pair(b.time_ns, b.id);
    };
    std::priority_queue<Hit, std::vector<Hit>, decltype(better)> heap(better);
    for (const BlockMeta& b : blocks) {
      checkDeadline();
      if (heap.size() >= size) {
        // Blocks come newest (oldest) first by their newest (oldest) log: once a block cannot
        // hold a log that beats the worst kept one, no later block can.
        int64_t worst = heap.top().time_ns;
        if (oldest ? b.min_time > worst : b.max_time < worst) break;
      }
      loadBlock(b.first_id, logs);
      for (const auto& log : logs) {
        if (!logMatches(plan, log)) continue;
        Hit h{log.time_ns, log.id, b.first_id};
        if (heap.size() < size) {
          heap.push(h);
        } else if (better(h, heap.top())) {
          heap.pop();
          heap.push(h);
        }
      }
    }
    std::vector<Hit> hits;
    hits.reserve(heap.size());
    while (!heap.empty()) {
      hits.push_back(heap.top());
      heap.pop();
    }
    std::reverse(hits.begin(), hits.end());  // best first
    if (static_cast<int64_t>(hits.size()) <= plan.offset) return result;
    hits.erase(hits.begin(), hits.begin() + plan.offset);
    // Build the rows, reading each block once.
    std::map<int64_t, std::vector<size_t>> byBlock;
    for (size_t i = 0; i < hits.size(); ++i) byBlock[hits[i].block].push_back(i);
    result.rows.resize(hits.size());
    for (const auto& [block, indexes] : byBlock) {
      loadBlock(block, logs);
      for (size_t i : indexes) {
        LogId id = hits[i].id;
        auto it = std::lower_bound(logs.begin(), logs.end(), id,
                                   [](const StoredLogView& l, LogId v) { return l.id < v; });
        if (it != logs.end() && it->id == id) result.rows[i] = rowToJson(*it);
      }
    }
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

LogQueryResult LogSearch::run(const LogQuery& query) { return runPlan(buildPlan(query)); }

std::optional<nlohmann::json> LogSearch::get(LogId id) {
  deadline_ = std::chrono::steady_clock::now() + timeout_;
  try {
    ReadTransaction tx(*db_);
    auto st = db_->prepare(
        "SELECT first_id FROM blocks WHERE first_id <= ?1 ORDER BY first_id DESC LIMIT 1");
    st.bindInt(1, id);
    if (!st.step()) return std::nullopt;
    int64_t block = st.columnInt(0);
    std::vector<StoredLogView> logs;
    loadBlock(block, logs);
    for (const auto& log : logs) {
      if (log.id == id) return rowToJson(log);
    }
  } catch (const std::exception&) {
    // As any failed query: no row (the caller answers "not found").
  }
  return std::nullopt;
}

LogQueryResult LogSearch::flowTimeline(const std::string& flowId, int64_t limit) {
  LogPlan plan;
  if (flowId.empty()) plan.error = "flow id is empty";
  if (limit < 1 || limit > kMaxQueryLimit) {
    plan.error = "limit must be between 1 and " + std::to_string(kMaxQueryLimit);
  }
  FilterCondition c;
  c.field = "flow_id";
  c.value = flowId;
  plan.clauses.push_back({planCondition(std::move(c))});
  plan.oldest_first = true;
  plan.limit = limit;
  return runPlan(plan);
}

LogQueryResult LogSearch::endpointTimeline(const std::string& uidOrIp,
                                           std::optional<int64_t> from_ns,
                                           std::optional<int64_t> to_ns, int64_t limit) {
  LogPlan plan;
  if (uidOrIp.empty()) plan.error = "endpoint uid or address is empty";
  if (limit < 1 || limit > kMaxQueryLimit) {
    plan.error = "limit must be between 1 and " + std::to_string(kMaxQueryLimit);
  }
  // By FortiClient uid or by address: one OR clause, both sides answered by the key index.
  FilterCondition byUid;
  byUid.field = "endpoint_uid";
  byUid.value = uidOrIp;
  FilterCondition byIp;
  byIp.field = "srcip";
  byIp.value = uidOrIp;
  plan.clauses.push_back({planCondition(std::move(byUid)), planCondition(std::move(byIp))});
  plan.from_ns = from_ns;
  plan.to_ns = to_ns;
  plan.oldest_first = true;
  plan.limit = limit;
  return runPlan(plan);
}

std::string LogSearch::explain(const LogQuery& query) {
  LogPlan plan = buildPlan(query);
  if (!plan.error.empty()) return "error: " + plan.error;
  SqlQuery sql = candidateBlocksSql(plan);
  deadline_ = std::chrono::steady_clock::now() + timeout_;
  Statement st = db_->prepare("EXPLAIN QUERY PLAN " + sql.sql);
  bindAll(st, sql.binds);
  std::string out;
  while (st.step()) {
    out += st.columnText(3);
    out += '\n';
  }
  out += plan.clauses.empty() ? "READ the logs of each candidate block\n"
                              : "FILTER the logs of each candidate block\n";
  return out;
}

}  // namespace fabric::faz
