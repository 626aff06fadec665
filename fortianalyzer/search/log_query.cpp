#include "fortianalyzer/search/log_query.h"

#include "fortianalyzer/store/key_packs.h"
#include "fortianalyzer/store/log_block.h"
#include "fortianalyzer/store/store_schema.h"

namespace fabric::faz {
namespace {

// Header column by its column name (store_schema.h kFieldColumns, plus flow_id / source_addr).
std::optional<LogBatch::Col> columnByName(std::string_view name) {
  static constexpr std::pair<std::string_view, LogBatch::Col> kCols[] = {
      {"devid", LogBatch::kDevid},   {"devname", LogBatch::kDevname},
      {"logid", LogBatch::kLogid},   {"type", LogBatch::kType},
      {"subtype", LogBatch::kSubtype}, {"level", LogBatch::kLevel},
      {"srcip", LogBatch::kSrcip},   {"dstip", LogBatch::kDstip},
      {"endpoint_uid", LogBatch::kEndpointUid}, {"hostname", LogBatch::kHostname},
      {"flow_id", LogBatch::kFlowId}, {"source_addr", LogBatch::kSourceAddr},
  };
  for (const auto& [n, c] : kCols) {
    if (n == name) return c;
  }
  return std::nullopt;
}

// The block key kind of an indexed header column.
std::optional<BlockKey> keyOf(LogBatch::Col col) {
  for (const auto& [kind, c] : kBlockKeyColumns) {
    if (c == col) return kind;
  }
  return std::nullopt;
}

// The (kind, value) pairs of a clause that the key index answers: every condition an exact,
// non-empty equality on a keyed column. Empty when the clause cannot use the index.
std::vector<std::pair<BlockKey, std::string>> indexKeys(const PlanClause& clause) {
  std::vector<std::pair<BlockKey, std::string>> keys;
  for (const auto& pc : clause) {
    const FilterCondition& c = pc.cond;
    if (pc.source != FieldSource::kColumn || c.op != FilterOp::kEq || c.cidr || c.value.empty()) {
      return {};
    }
    auto kind = keyOf(pc.column);
    if (!kind) return {};
    keys.emplace_back(*kind, c.value);
  }
  return keys;
}

PlanClause equals(std::string_view field, const std::string& value) {
  FilterCondition c;
  c.field = std::string(field);
  c.op = FilterOp::kEq;
  c.value = value;
  return {planCondition(std::move(c))};
}

}  // namespace

PlanCondition planCondition(FilterCondition condition) {
  PlanCondition pc;
  pc.cond = std::move(condition);
  const std::string& field = pc.cond.field;
  if (field == "id") {
    pc.source = FieldSource::kId;
    return pc;
  }
  for (const auto& fc : kFieldColumns) {
    if (fc.field == field) {
      pc.source = FieldSource::kColumn;
      pc.column = *columnByName(fc.column);
      return pc;
    }
  }
  if (field == "flow_id" || field == "source_addr") {
    pc.source = FieldSource::kColumn;
    pc.column = *columnByName(field);
    return pc;
  }
  pc.source = FieldSource::kField;
  return pc;
}

LogPlan buildPlan(const LogQuery& q) {
  LogPlan out;
  if (q.offset < 0) {
    out.error = "offset must not be negative";
    return out;
  }
  if (!q.count_only && (q.limit < 1 || q.limit > kMaxQueryLimit)) {
    out.error = "limit must be between 1 and " + std::to_string(kMaxQueryLimit);
    return out;
  }
  if (q.from_ns && q.to_ns && *q.from_ns > *q.to_ns) {
    out.error = "time range is empty: from is after to";
    return out;
  }
  out.from_ns = q.from_ns;
  out.to_ns = q.to_ns;
  if (!q.devid.empty()) out.clauses.push_back(equals("devid", q.devid));
  if (!q.type.empty()) out.clauses.push_back(equals("type", q.type));
  if (!q.subtype.empty()) out.clauses.push_back(equals("subtype", q.subtype));
  for (size_t i = 0; i < q.filters.size(); ++i) {
    FilterParseResult parsed = parseFilter(q.filters[i]);
    if (!parsed.clause) {
      out.error = q.filters.size() > 1
                      ? "filter " + std::to_string(i + 1) + ": " + parsed.error
                      : parsed.error;
      out.clauses.clear();
      return out;
    }
    PlanClause clause;
    for (auto& c : parsed.clause->any_of) clause.push_back(planCondition(std::move(c)));
    out.clauses.push_back(std::move(clause));
  }
  out.offset = q.offset;
  out.limit = q.limit;
  out.oldest_first = q.oldest_first;
  out.count_only = q.count_only;
  return out;
}

SqlQuery candidateBlocksSql(const LogPlan& plan) {
  SqlQuery out;
  std::vector<std::string> where;
  if (plan.from_ns) {
    where.push_back("max_time_ns >= ?");
    out.binds.emplace_back(*plan.from_ns);
  }
  if (plan.to_ns) {
    where.push_back("min_time_ns <= ?");
    out.binds.emplace_back(*plan.to_ns);
  }
  for (const PlanClause& clause : plan.clauses) {
    auto keys = indexKeys(clause);
    if (keys.empty()) continue;
    std::string in = "first_id IN (";
    for (size_t i = 0; i < keys.size(); ++i) {
      if (i) in += " UNION ";
      in += keyPackLookupSql();
      for (int b = 0; b < kKeyPackLookupBinds; ++b) {
        out.binds.emplace_back(blockKeyHash(keys[i].first, keys[i].second));
      }
    }
    // Blocks after the key index watermark have no key rows yet (batch_writer.h): their `keys`
    // blob says whether they may hold the value. No watermark (an older database): all indexed.
    in += " UNION SELECT first_id FROM blocks WHERE first_id > coalesce((SELECT CAST(value AS "
          "INTEGER) FROM meta WHERE key = 'keys_indexed_through'), 9223372036854775807) AND "
          "fabric_block_has_key(keys";
    for (size_t i = 0; i < keys.size(); ++i) {
      in += ", ?";
      out.binds.emplace_back(blockKeyHash(keys[i].first, keys[i].second));
    }
    where.push_back(in + "))");
  }
  out.sql = "SELECT first_id, count, min_time_ns, max_time_ns FROM blocks";
  for (size_t i = 0; i < where.size(); ++i) out.sql += (i ? " AND " : " WHERE ") + where[i];
  out.sql += plan.oldest_first ? " ORDER BY min_time_ns ASC, first_id ASC"
                               : " ORDER BY max_time_ns DESC, first_id DESC";
  return out;
}

}  // namespace fabric::faz
