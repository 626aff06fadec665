#include "common/config/values.h"

#include <algorithm>
#include <charconv>

#include "common/config/secret_box.h"

namespace fabric::config {
namespace {

CliError valueError(const std::string& word, int code) {
  return CliError{{"value parse error before '" + word + "'"}, code};
}

constexpr int kParseError = -61;
constexpr int kBadIp = -8;
constexpr int kBadMask = -9;
constexpr int kBadValue = -651;

std::optional<unsigned> parseMask(const std::string& text) {
  if (!text.empty() && text.find('.') == std::string::npos) {
    unsigned len = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), len);
    if (ec != std::errc() || p != text.data() + text.size() || len > 32) return std::nullopt;
    return len == 0 ? 0u : ~0u << (32 - len);
  }
  auto mask = parseIpv4(text);
  if (!mask) return std::nullopt;
  unsigned inverted = ~*mask;
  if ((inverted & (inverted + 1)) != 0) return std::nullopt;  // not contiguous
  return mask;
}

// "a.b.c.d m.m.m.m", "a.b.c.d/len" or "a.b.c.d" (a host).
std::optional<CliError> parseIpMask(const std::vector<Token>& words, bool classnet, std::string& out) {
  if (words.empty() || words.size() > 2) {
    return words.empty() ? valueError("", kBadIp) : CliError{{"command parse error before '" + words[2].text + "'"}, kParseError};
  }
  std::string ip = words[0].text;
  std::string mask_text = words.size() == 2 ? words[1].text : "255.255.255.255";
  if (words.size() == 1) {
    auto slash = ip.find('/');
    if (slash != std::string::npos) {
      mask_text = ip.substr(slash + 1);
      ip = ip.substr(0, slash);
    }
  }
  auto address = parseIpv4(ip);
  if (!address) return valueError(words[0].text, kBadIp);
  auto mask = parseMask(mask_text);
  if (!mask) return valueError(words.size() == 2 ? words[1].text : words[0].text, kBadMask);
  if (classnet) *address &= *mask;
  out = formatIpv4(*address) + " " + formatIpv4(*mask);
  return std::nullopt;
}

std::optional<CliError> parseOne(const Attribute& a, const Token& word, std::string& out) {
  const std::string& text = word.text;
  switch (a.type) {
    case AttrType::kString:
      if (a.size && text.size() > a.size) return valueError(text, kBadValue);
      out = text;
      return std::nullopt;
    case AttrType::kInteger: {
      long long v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (text.empty() || ec != std::errc() || p != text.data() + text.size()) return valueError(text, kBadValue);
      if (v < a.min || v > a.max) return valueError(text, kBadValue);
      out = std::to_string(v);
      return std::nullopt;
    }
    case AttrType::kOption:
      if (std::find(a.options.begin(), a.options.end(), text) == a.options.end()) {
        return CliError{{"command parse error before '" + text + "'"}, kParseError};
      }
      out = text;
      return std::nullopt;
    case AttrType::kIpv4: {
      auto ip = parseIpv4(text);
      if (!ip) return valueError(text, kBadIp);
      out = formatIpv4(*ip);
      return std::nullopt;
    }
    default:
      return valueError(text, kBadValue);
  }
}

std::optional<CliError> parseSecret(const Attribute& a, const std::vector<Token>& words,
                                    const SecretBox& secrets, std::string& out) {
  // Never echo a secret: errors name a placeholder, not the words.
  const std::string hidden = "*";
  if (words.size() == 2 && words[0].text == "ENC" && !words[0].quoted) {
    const std::string& stored = words[1].text;
    bool valid = a.type == AttrType::kPassword ? secrets.open(stored).has_value()
                                               : SecretBox::isPasswordHash(stored);
    if (!valid) return valueError(hidden, kBadValue);
    out = stored;
    return std::nullopt;
  }
  if (words.size() != 1) return valueError(hidden, kParseError);
  const std::string& clear = words[0].text;
  if (a.size && clear.size() > a.size) return valueError(hidden, kBadValue);
  if (clear.empty()) {
    out.clear();
    return std::nullopt;
  }
  out = a.type == AttrType::kPassword ? secrets.seal(clear) : SecretBox::hashPassword(clear);
  return std::nullopt;
}

}  // namespace

std::optional<unsigned> parseIpv4(const std::string& text) {
  unsigned result = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
    unsigned v = 0;
    const char* start = p;
    auto [q, ec] = std::from_chars(p, end, v);
    if (ec != std::errc() || q == start || q - start > 3 || v > 255) return std::nullopt;
    p = q;
    result = (result << 8) | v;
  }
  if (p != end) return std::nullopt;
  return result;
}

std::string formatIpv4(unsigned a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

std::optional<CliError> parseValue(const Attribute& a, const std::vector<Token>& words,
                                   const SecretBox& secrets, std::vector<std::string>& out) {
  out.clear();
  if (a.isSecret()) {
    std::string stored;
    if (auto err = parseSecret(a, words, secrets, stored)) return err;
    if (!stored.empty()) out.push_back(std::move(stored));
    return std::nullopt;
  }
  if (a.type == AttrType::kIpMask || a.type == AttrType::kIpv4Classnet) {
    std::string stored;
    if (auto err = parseIpMask(words, a.type == AttrType::kIpv4Classnet, stored)) return err;
    out.push_back(std::move(stored));
    return std::nullopt;
  }
  if (words.empty()) return valueError("", kParseError);
  if (!a.multi && words.size() > 1) {
    return CliError{{"command parse error before '" + words[1].text + "'"}, kParseError};
  }
  for (const auto& word : words) {
    std::string stored;
    if (auto err = parseOne(a, word, stored)) return err;
    if (a.multi && std::find(out.begin(), out.end(), stored) != out.end()) continue;
    if (!(a.type == AttrType::kString && stored.empty() && a.multi)) out.push_back(std::move(stored));
  }
  if (!a.multi && out.size() == 1 && out[0].empty() && a.type == AttrType::kString) out.clear();
  return std::nullopt;
}

const std::vector<std::string>& effective(const Attribute& a,
                                          const std::map<std::string, std::vector<std::string>>& attrs) {
  auto it = attrs.find(a.name);
  return it == attrs.end() ? a.default_value : it->second;
}

bool isDefault(const Attribute& a, const std::vector<std::string>& values) {
  return values == a.default_value;
}

std::string formatShow(const Attribute& a, const std::vector<std::string>& values) {
  if (a.isSecret()) return values.empty() ? "" : "ENC " + values[0];
  if (values.empty()) return (a.multi || a.type != AttrType::kString) ? "" : "''";
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out.push_back(' ');
    out += a.type == AttrType::kString ? quote(v) : v;
  }
  return out;
}

std::string formatGet(const Attribute& a, const std::vector<std::string>& values) {
  if (a.isSecret()) return values.empty() ? "" : "*";
  if (a.multi && a.type == AttrType::kString) {
    std::string out;
    for (const auto& v : values) {
      if (!out.empty()) out.push_back(' ');
      out += quote(v);
    }
    return out;
  }
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out.push_back(' ');
    out += v;
  }
  return out;
}

nlohmann::json formatJson(const Attribute& a, const std::vector<std::string>& values) {
  if (a.isSecret()) return values.empty() ? "" : "ENC XXXX";
  if (a.multi && a.type == AttrType::kString) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& v : values) list.push_back({{"name", v}, {"q_origin_key", v}});
    return list;
  }
  if (a.type == AttrType::kInteger && values.size() == 1) return std::stoll(values[0]);
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out.push_back(' ');
    out += v;
  }
  return out;
}

}  // namespace fabric::config
