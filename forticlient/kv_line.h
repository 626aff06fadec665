#pragma once
// Builds one key=value log line the way FortiOS and FortiClient print it: strings double-quoted
// with `"` and `\` escaped, numbers and addresses bare. Kept tiny and internal until the shared
// writer of common/logfmt replaces it.

#include <cstdint>
#include <string>
#include <string_view>

namespace fabric::forticlient {

class KvLine {
 public:
  KvLine& quoted(std::string_view key, std::string_view value);
  KvLine& bare(std::string_view key, std::string_view value);
  KvLine& number(std::string_view key, std::int64_t value);
  const std::string& str() const { return line_; }

 private:
  void key(std::string_view key);
  std::string line_;
};

}  // namespace fabric::forticlient
