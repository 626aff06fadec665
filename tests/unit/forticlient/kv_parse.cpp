#include "kv_parse.h"

#include <cctype>
#include <stdexcept>

namespace fabric::forticlient::test {

std::optional<std::vector<KvField>> parseKv(const std::string& line) {
  std::vector<KvField> out;
  std::size_t i = 0;
  while (i < line.size()) {
    std::size_t k = i;
    while (i < line.size() && (std::islower(static_cast<unsigned char>(line[i])) ||
                               std::isdigit(static_cast<unsigned char>(line[i])) || line[i] == '_')) {
      ++i;
    }
    if (i == k || i >= line.size() || line[i] != '=') return std::nullopt;
    KvField f{line.substr(k, i - k), "", false};
    ++i;
    if (i < line.size() && line[i] == '"') {
      f.quoted = true;
      ++i;
      bool closed = false;
      while (i < line.size()) {
        char c = line[i++];
        if (c == '\\' && i < line.size()) {
          f.value += line[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          f.value += c;
        }
      }
      if (!closed) return std::nullopt;
    } else {
      while (i < line.size() && line[i] != ' ') f.value += line[i++];
    }
    out.push_back(f);
    if (i < line.size()) {
      if (line[i] != ' ') return std::nullopt;
      ++i;
    }
  }
  return out;
}

std::map<std::string, KvField> kvMap(const std::string& line) {
  auto fields = parseKv(line);
  if (!fields) throw std::runtime_error("not a key=value line: " + line);
  std::map<std::string, KvField> m;
  for (auto& f : *fields) {
    if (m.count(f.key)) throw std::runtime_error("duplicate key " + f.key);
    m[f.key] = f;
  }
  return m;
}

}  // namespace fabric::forticlient::test
