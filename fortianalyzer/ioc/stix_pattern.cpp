#include "fortianalyzer/ioc/stix_pattern.h"

#include "fortianalyzer/ioc/normalize.h"

namespace fabric::faz::ioc {

namespace {

constexpr int kMaxNesting = 32;

class PatternParser {
 public:
  PatternParser(std::string_view text, std::vector<StixComparison>* out) : text_(text), out_(out) {}

  bool parse(std::string* error) {
    if (!parseExpression(0)) {
      *error = error_;
      return false;
    }
    skipBlanks();
    if (pos_ != text_.size()) {
      *error = unexpectedHere();
      return false;
    }
    return true;
  }

 private:
  // expression := observation (OR observation)*
  bool parseExpression(int depth) {
    if (depth > kMaxNesting) return fail("pattern nested too deeply");
    if (!parseObservation(depth)) return false;
    while (true) {
      skipBlanks();
      if (pos_ == text_.size() || peek() == ')') return true;
      std::string word = readWord();
      if (word == "OR") {
        if (!parseObservation(depth)) return false;
        continue;
      }
      return failWord(word);
    }
  }

  // observation := '[' comparison (OR comparison)* ']' | '(' expression ')'
  bool parseObservation(int depth) {
    skipBlanks();
    if (pos_ < text_.size() && peek() == '(') {
      ++pos_;
      if (!parseExpression(depth + 1)) return false;
      skipBlanks();
      if (pos_ >= text_.size() || peek() != ')') return fail("missing ')'");
      ++pos_;
      return true;
    }
    if (pos_ >= text_.size() || peek() != '[') return fail("expected '[' to open an observation");
    ++pos_;
    while (true) {
      if (!parseComparison()) return false;
      skipBlanks();
      if (pos_ < text_.size() && peek() == ']') {
        ++pos_;
        return true;
      }
      std::string word = readWord();
      if (word == "OR") continue;
      if (word.empty()) return fail("missing ']'");
      return failWord(word);
    }
  }

  // comparison := path ('=' | ISSUBSET) 'string'
  bool parseComparison() {
    skipBlanks();
    std::size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = peek();
      if (c == '\'') {  // quoted path component such as hashes.'SHA-256'
        auto close = text_.find('\'', pos_ + 1);
        if (close == std::string_view::npos) return fail("unterminated quote in object path");
        pos_ = close + 1;
        continue;
      }
      bool pathChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == ':' || c == '.';
      if (!pathChar) break;
      ++pos_;
    }
    std::string_view path = text_.substr(start, pos_ - start);
    if (path.empty()) return fail("expected an object path");
    StixComparison comparison{IndicatorKind::kDomain, {}, 0};
    if (!classify(path, &comparison)) return false;

    skipBlanks();
    std::string op;
    if (pos_ < text_.size() && (peek() == '=' || peek() == '!' || peek() == '<' || peek() == '>')) {
      while (pos_ < text_.size() && (peek() == '=' || peek() == '!' || peek() == '<' || peek() == '>')) {
        op.push_back(text_[pos_++]);
      }
    } else {
      op = readWord();
    }
    bool subset = op == "ISSUBSET";
    if (op != "=" && !(subset && comparison.kind == IndicatorKind::kIp)) {
      if (op.empty()) return fail("expected a comparison operator after '" + std::string(path) + "'");
      return fail("operator '" + op + "' is not supported (only '=' and, for IP addresses, ISSUBSET)");
    }
    skipBlanks();
    if (pos_ >= text_.size() || peek() != '\'') return fail("comparison value must be a quoted string");
    ++pos_;
    while (true) {
      if (pos_ >= text_.size()) return fail("unterminated string literal");
      char c = text_[pos_++];
      if (c == '\'') break;
      if (c == '\\') {
        if (pos_ >= text_.size()) return fail("unterminated string literal");
        char escaped = text_[pos_++];
        if (escaped != '\'' && escaped != '\\') return fail("invalid escape in string literal");
        comparison.value.push_back(escaped);
        continue;
      }
      comparison.value.push_back(c);
    }
    out_->push_back(std::move(comparison));
    return true;
  }

  bool classify(std::string_view path, StixComparison* comparison) {
    std::string lower = toLower(path);
    if (lower == "domain-name:value") {
      comparison->kind = IndicatorKind::kDomain;
    } else if (lower == "url:value") {
      comparison->kind = IndicatorKind::kUrl;
    } else if (lower == "ipv4-addr:value" || lower == "ipv6-addr:value") {
      comparison->kind = IndicatorKind::kIp;
    } else if (lower.rfind("file:hashes.", 0) == 0) {
      std::string algorithm = lower.substr(12);
      if (algorithm.size() >= 2 && algorithm.front() == '\'' && algorithm.back() == '\'') {
        algorithm = algorithm.substr(1, algorithm.size() - 2);
      }
      comparison->kind = IndicatorKind::kHash;
      if (algorithm == "md5") {
        comparison->hexLength = 32;
      } else if (algorithm == "sha-1" || algorithm == "sha1") {
        comparison->hexLength = 40;
      } else if (algorithm == "sha-256" || algorithm == "sha256") {
        comparison->hexLength = 64;
      } else {
        return fail("hash algorithm '" + algorithm + "' is not supported (MD5, SHA-1, SHA-256)");
      }
    } else {
      return fail("object path '" + std::string(path.substr(0, 80)) +
                  "' is not supported (domain-name:value, url:value, ipv4-addr:value, "
                  "ipv6-addr:value, file:hashes.<MD5|SHA-1|SHA-256>)");
    }
    return true;
  }

  std::string readWord() {
    skipBlanks();
    std::size_t start = pos_;
    wordStart_ = start;
    while (pos_ < text_.size() && ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z'))) {
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  bool failWord(const std::string& word) {
    if (word == "AND" || word == "FOLLOWEDBY" || word == "NOT") {
      return fail(word + " is not supported: only OR-combined equality comparisons describe an indicator list");
    }
    if (word == "WITHIN" || word == "REPEATS" || word == "START" || word == "STOP") {
      return fail("qualifier " + word + " is not supported");
    }
    pos_ = wordStart_;
    return fail(unexpectedHere());
  }

  std::string unexpectedHere() const {
    if (pos_ >= text_.size()) return "unexpected end of pattern";
    return "unexpected text at offset " + std::to_string(pos_) + ": " +
           quoteValue(text_.substr(pos_, 20));
  }

  bool fail(std::string reason) {
    if (error_.empty()) error_ = std::move(reason);
    return false;
  }

  void skipBlanks() {
    while (pos_ < text_.size() && isBlank(text_[pos_])) ++pos_;
  }
  char peek() const { return text_[pos_]; }

  std::string_view text_;
  std::vector<StixComparison>* out_;
  std::size_t pos_ = 0;
  std::size_t wordStart_ = 0;
  std::string error_;
};

}  // namespace

bool parseStixPattern(std::string_view pattern, std::vector<StixComparison>* comparisons,
                      std::string* error) {
  comparisons->clear();
  PatternParser parser(pattern, comparisons);
  if (!parser.parse(error)) {
    comparisons->clear();
    return false;
  }
  return true;
}

}  // namespace fabric::faz::ioc
