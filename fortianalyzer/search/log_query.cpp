#include "fortianalyzer/search/log_query.h"

#include "fortianalyzer/store/store_schema.h"

namespace fabric::faz {
namespace {

// The SQL expression for a field: its column when it has one, else its value in the fields blob.
std::string fieldExpr(const std::string& field, std::vector<SqlValue>& binds) {
  if (field == "id") return "id";
  for (const auto& fc : kFieldColumns) {
    if (fc.field == field) return std::string(fc.column);
  }
  if (field == "flow_id" || field == "source_addr") return field;
  binds.emplace_back(field);
  return "fabric_field(fields, raw, ?)";
}

std::string likePattern(const std::string& value) {
  std::string p = "%";
  for (char c : value) {
    if (c == '%' || c == '_' || c == '\\') p.push_back('\\');
    p.push_back(c);
  }
  return p + "%";
}

std::string conditionSql(const FilterCondition& c, std::vector<SqlValue>& binds) {
  std::string e = fieldExpr(c.field, binds);
  // The fields blob expression binds the field name each time it appears.
  auto again = [&]() { return fieldExpr(c.field, binds); };
  switch (c.op) {
    case FilterOp::kEq:
      if (c.cidr) {
        binds.emplace_back(static_cast<int64_t>(c.cidr->network));
        binds.emplace_back(static_cast<int64_t>(c.cidr->prefix));
        return "fabric_ip_in(" + e + ", ?, ?)";
      }
      if (c.value.empty()) return "(" + e + " IS NULL OR " + again() + " = '')";
      if (e == "id") {
        binds.emplace_back(static_cast<int64_t>(std::strtoll(c.value.c_str(), nullptr, 10)));
      } else {
        binds.emplace_back(c.value);
      }
      return e + " = ?";
    case FilterOp::kNe:
      if (c.cidr) {
        binds.emplace_back(static_cast<int64_t>(c.cidr->network));
        binds.emplace_back(static_cast<int64_t>(c.cidr->prefix));
        return "NOT fabric_ip_in(" + e + ", ?, ?)";
      }
      if (c.value.empty()) return "(" + e + " IS NOT NULL AND " + again() + " != '')";
      {
        std::string second = again();
        binds.emplace_back(c.value);
        return "(" + e + " IS NULL OR " + second + " != ?)";
      }
    case FilterOp::kContains:
      binds.emplace_back(likePattern(c.value));
      return e + " LIKE ? ESCAPE '\\'";
    case FilterOp::kNotContains: {
      std::string second = again();
      binds.emplace_back(likePattern(c.value));
      return "(" + e + " IS NULL OR " + second + " NOT LIKE ? ESCAPE '\\')";
    }
    case FilterOp::kLt:
    case FilterOp::kLe:
    case FilterOp::kGt:
    case FilterOp::kGe: {
      binds.emplace_back(*c.number);
      std::string op(toString(c.op));
      return e == "id" ? "id " + op + " ?" : "CAST(" + e + " AS REAL) " + op + " ?";
    }
  }
  return "0";
}

}  // namespace

std::string clauseSql(const FilterClause& clause, std::vector<SqlValue>& binds) {
  std::string sql = "(";
  for (size_t i = 0; i < clause.any_of.size(); ++i) {
    if (i) sql += " OR ";
    sql += conditionSql(clause.any_of[i], binds);
  }
  return sql + ")";
}

SqlQuery buildSql(const LogQuery& q) {
  SqlQuery out;
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
  std::vector<std::string> where;
  if (q.from_ns) {
    where.push_back("time_ns >= ?");
    out.binds.emplace_back(*q.from_ns);
  }
  if (q.to_ns) {
    where.push_back("time_ns <= ?");
    out.binds.emplace_back(*q.to_ns);
  }
  if (!q.devid.empty()) {
    where.push_back("devid = ?");
    out.binds.emplace_back(q.devid);
  }
  if (!q.type.empty()) {
    where.push_back("type = ?");
    out.binds.emplace_back(q.type);
  }
  if (!q.subtype.empty()) {
    where.push_back("subtype = ?");
    out.binds.emplace_back(q.subtype);
  }
  for (size_t i = 0; i < q.filters.size(); ++i) {
    FilterParseResult parsed = parseFilter(q.filters[i]);
    if (!parsed.clause) {
      out.error = q.filters.size() > 1
                      ? "filter " + std::to_string(i + 1) + ": " + parsed.error
                      : parsed.error;
      out.binds.clear();
      return out;
    }
    where.push_back(clauseSql(*parsed.clause, out.binds));
  }
  std::string whereSql;
  for (size_t i = 0; i < where.size(); ++i) whereSql += (i ? " AND " : " WHERE ") + where[i];

  if (q.count_only) {
    out.sql = "SELECT count(*) FROM logs" + whereSql;
    return out;
  }
  const char* dir = q.oldest_first ? "ASC" : "DESC";
  out.sql = std::string("SELECT ") + kRowColumns + " FROM logs" + whereSql + " ORDER BY time_ns " +
            dir + ", id " + dir + " LIMIT ? OFFSET ?";
  out.binds.emplace_back(q.limit);
  out.binds.emplace_back(q.offset);
  return out;
}

}  // namespace fabric::faz
