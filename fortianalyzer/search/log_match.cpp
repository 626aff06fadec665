#include "fortianalyzer/search/log_match.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdlib>
#include <optional>

#include "fortianalyzer/store/field_codec.h"
#include "fortianalyzer/store/raw_scan.h"

namespace fabric::faz {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// SQLite LIKE '%needle%': ASCII case-insensitive substring.
bool containsNoCase(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(hay[i + k]) == lower(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

bool ipIn(std::optional<std::string_view> v, const Cidr& cidr) {
  if (!v) return false;
  char buf[INET_ADDRSTRLEN + 1];
  if (v->size() >= sizeof buf) return false;
  v->copy(buf, v->size());
  buf[v->size()] = '\0';
  in_addr addr{};
  if (inet_pton(AF_INET, buf, &addr) != 1) return false;
  uint32_t ip = ntohl(addr.s_addr);
  int prefix = cidr.prefix;
  uint32_t mask = prefix <= 0 ? 0 : (prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1));
  return (ip & mask) == (cidr.network & mask);
}

bool compare(double a, FilterOp op, double b) {
  switch (op) {
    case FilterOp::kLt: return a < b;
    case FilterOp::kLe: return a <= b;
    case FilterOp::kGt: return a > b;
    case FilterOp::kGe: return a >= b;
    default: return false;
  }
}

// The value of a kField condition's field: nullopt when the log has no such field.
std::optional<std::string_view> fieldValue(const StoredLogView& log, std::string_view key,
                                           std::string& scratch) {
  std::string_view blob = log.text(LogBatch::kFieldsBlob);
  if (!blob.empty()) return findField(blob, key);
  std::optional<std::string_view> found;
  raw_scan::scan(log.text(LogBatch::kRaw), [&](std::string_view k, std::string_view v) {
    if (k != key) return true;
    scratch.assign(v);  // v may point into the scanner's own scratch
    found = scratch;
    return false;
  });
  return found;
}

}  // namespace

double leadingNumber(std::string_view t) {
  size_t i = 0;
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
  size_t start = i;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
  size_t digits = 0;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i, ++digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return 0.0;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    size_t j = i + 1;
    if (j < t.size() && (t[j] == '+' || t[j] == '-')) ++j;
    size_t expDigits = 0;
    while (j < t.size() && t[j] >= '0' && t[j] <= '9') ++j, ++expDigits;
    if (expDigits > 0) i = j;
  }
  std::string num(t.substr(start, i - start));
  return std::strtod(num.c_str(), nullptr);
}

bool conditionMatches(const PlanCondition& pc, const StoredLogView& log) {
  const FilterCondition& c = pc.cond;
  if (pc.source == FieldSource::kId) {
    std::string idText = std::to_string(log.id);
    switch (c.op) {
      case FilterOp::kEq:
        if (c.value.empty()) return false;  // an id is never NULL or ''
        return log.id == static_cast<LogId>(std::strtoll(c.value.c_str(), nullptr, 10));
      case FilterOp::kNe: {
        if (c.value.empty()) return true;
        LogId v = 0;
        auto [end, ec] = std::from_chars(c.value.data(), c.value.data() + c.value.size(), v);
        // A value that is not a whole number is never equal to an integer id.
        if (ec != std::errc() || end != c.value.data() + c.value.size()) return true;
        return log.id != v;
      }
      case FilterOp::kContains: return containsNoCase(idText, c.value);
      case FilterOp::kNotContains: return !containsNoCase(idText, c.value);
      default: return compare(static_cast<double>(log.id), c.op, c.number.value_or(0));
    }
  }
  std::string scratch;
  std::optional<std::string_view> v;
  if (pc.source == FieldSource::kColumn) {
    std::string_view col = log.text(pc.column);
    if (!col.empty()) v = col;
  } else {
    v = fieldValue(log, c.field, scratch);
  }
  switch (c.op) {
    case FilterOp::kEq:
      if (c.cidr) return ipIn(v, *c.cidr);
      if (c.value.empty()) return !v || v->empty();
      return v && *v == c.value;
    case FilterOp::kNe:
      if (c.cidr) return !ipIn(v, *c.cidr);
      if (c.value.empty()) return v && !v->empty();
      return !v || *v != c.value;
    case FilterOp::kContains:
      return v && containsNoCase(*v, c.value);
    case FilterOp::kNotContains:
      return !v || !containsNoCase(*v, c.value);
    case FilterOp::kLt:
    case FilterOp::kLe:
    case FilterOp::kGt:
    case FilterOp::kGe:
      return v && compare(leadingNumber(*v), c.op, c.number.value_or(0));
  }
  return false;
}

bool logMatches(const LogPlan& plan, const StoredLogView& log) {
  if (plan.from_ns && log.time_ns < *plan.from_ns) return false;
  if (plan.to_ns && log.time_ns > *plan.to_ns) return false;
  for (const PlanClause& clause : plan.clauses) {
    bool any = false;
    for (const PlanCondition& pc : clause) {
      if (conditionMatches(pc, log)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

}  // namespace fabric::faz
