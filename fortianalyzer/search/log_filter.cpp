#include "fortianalyzer/search/log_filter.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cmath>

namespace fabric::faz {
namespace {

bool isFieldChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// The filter text as echoed in messages: printable ASCII only, at most 200 characters.
std::string quoted(std::string_view text) {
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < 200; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  }
  if (text.size() > 200) out += "...";
  return out + "'";
}

std::string at(size_t pos, std::string_view text) {
  return " at position " + std::to_string(pos + 1) + " in " + quoted(text);
}

struct OpSpelling {
  std::string_view text;
  FilterOp op;
};
// Two-character operators first so that "<=" is not read as "<".
constexpr std::array<OpSpelling, 8> kOps{{{"==", FilterOp::kEq},
                                          {"!=", FilterOp::kNe},
                                          {"=@", FilterOp::kContains},
                                          {"!@", FilterOp::kNotContains},
                                          {"<=", FilterOp::kLe},
                                          {">=", FilterOp::kGe},
                                          {"<", FilterOp::kLt},
                                          {">", FilterOp::kGt}}};

std::optional<Cidr> parseCidr(std::string_view v) {
  size_t slash = v.find('/');
  if (slash == std::string_view::npos || slash > 15) return std::nullopt;
  std::string ip(v.substr(0, slash));
  in_addr addr{};
  if (inet_pton(AF_INET, ip.c_str(), &addr) != 1) return std::nullopt;
  std::string_view len = v.substr(slash + 1);
  int prefix = -1;
  auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), prefix);
  if (ec != std::errc() || p != len.data() + len.size() || len.empty() || prefix < 0 ||
      prefix > 32) {
    return std::nullopt;
  }
  return Cidr{ntohl(addr.s_addr), prefix};
}

std::optional<double> parseNumber(std::string_view v) {
  double d = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || p != v.data() + v.size() || v.empty() || !std::isfinite(d)) {
    return std::nullopt;
  }
  return d;
}

}  // namespace

std::string_view toString(FilterOp op) {
  for (const auto& s : kOps) {
    if (s.op == op) return s.text;
  }
  return "?";
}

bool isAddressField(std::string_view f) {
  static constexpr std::array<std::string_view, 13> kAddress{
      "srcip", "dstip", "deviceip", "ip", "transip", "tranip", "remip",
      "locip", "tunnelip", "assignip", "clientip", "source_addr", "addr"};
  for (auto a : kAddress) {
    if (a == f) return true;
  }
  return false;
}

FilterParseResult parseFilter(std::string_view text) {
  FilterParseResult result;
  if (text.empty()) {
    result.error = "empty filter";
    return result;
  }
  if (text.size() > kMaxFilterLength) {
    result.error = "filter longer than " + std::to_string(kMaxFilterLength) + " characters";
    return result;
  }
  FilterClause clause;
  size_t pos = 0;
  for (;;) {
    if (clause.any_of.size() == kMaxConditions) {
      result.error = "more than " + std::to_string(kMaxConditions) + " conditions" + at(pos, text);
      return result;
    }
    FilterCondition cond;
    cond.position = pos + 1;
    size_t start = pos;
    while (pos < text.size() && isFieldChar(text[pos])) ++pos;
    if (pos == start) {
      if (pos == text.size() || text[pos] == ',') {
        result.error = "empty condition" + at(pos, text);
      } else if (text[pos] == '=' || text[pos] == '!' || text[pos] == '<' || text[pos] == '>') {
        result.error = "missing field name" + at(pos, text);
      } else {
        result.error = std::string("invalid character '") +
                       (text[pos] >= 0x20 && text[pos] < 0x7f ? text[pos] : '?') +
                       "' in field name" + at(pos, text);
      }
      return result;
    }
    cond.field = std::string(text.substr(start, pos - start));
    if (pos == text.size() || text[pos] == ',') {
      result.error = "missing operator after '" + cond.field + "'" + at(pos, text);
      return result;
    }
    bool found = false;
    for (const auto& s : kOps) {
      if (text.substr(pos, s.text.size()) == s.text) {
        cond.op = s.op;
        pos += s.text.size();
        found = true;
        break;
      }
    }
    if (!found) {
      result.error = "unknown operator" + at(pos, text);
      return result;
    }
    size_t valueStart = pos;
    while (pos < text.size() && text[pos] != ',') {
      if (text[pos] == '\\') {
        if (pos + 1 == text.size()) {
          result.error = "dangling escape '\\'" + at(pos, text);
          return result;
        }
        ++pos;
      }
      cond.value.push_back(text[pos]);
      ++pos;
    }
    bool numeric = cond.op == FilterOp::kLt || cond.op == FilterOp::kLe ||
                   cond.op == FilterOp::kGt || cond.op == FilterOp::kGe;
    if (numeric) {
      cond.number = parseNumber(cond.value);
      if (!cond.number) {
        result.error = "operator '" + std::string(toString(cond.op)) + "' needs a number, got " +
                       quoted(cond.value) + at(valueStart, text);
        return result;
      }
    } else if (isAddressField(cond.field) && cond.value.find('/') != std::string::npos) {
      cond.cidr = parseCidr(cond.value);
      if (!cond.cidr) {
        result.error = "invalid CIDR " + quoted(cond.value) + at(valueStart, text);
        return result;
      }
      if (cond.op != FilterOp::kEq && cond.op != FilterOp::kNe) {
        result.error = "operator '" + std::string(toString(cond.op)) +
                       "' cannot take a CIDR (use == or !=)" + at(valueStart, text);
        return result;
      }
    }
    clause.any_of.push_back(std::move(cond));
    if (pos == text.size()) break;
    ++pos;  // the ','
  }
  result.clause = std::move(clause);
  return result;
}

}  // namespace fabric::faz
