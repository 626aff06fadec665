#pragma once
// A strict key=value reader for tests: proves that the lines the agent writes parse back.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fabric::forticlient::test {

struct KvField {
  std::string key;
  std::string value;
  bool quoted;
};

// nullopt when the line is not a clean sequence of key=value / key="value" tokens.
std::optional<std::vector<KvField>> parseKv(const std::string& line);
std::map<std::string, KvField> kvMap(const std::string& line);

}  // namespace fabric::forticlient::test
