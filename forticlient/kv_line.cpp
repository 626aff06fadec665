#include "forticlient/kv_line.h"

namespace fabric::forticlient {

void KvLine::key(std::string_view key) {
  if (!line_.empty()) line_ += ' ';
  line_.append(key);
  line_ += '=';
}

KvLine& KvLine::quoted(std::string_view k, std::string_view value) {
  key(k);
  line_ += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') line_ += '\\';
    // A log line is one line: control characters never reach the wire.
    line_ += (c == '\n' || c == '\r' || c == '\0') ? ' ' : c;
  }
  line_ += '"';
  return *this;
}

KvLine& KvLine::bare(std::string_view k, std::string_view value) {
  key(k);
  line_.append(value);
  return *this;
}

KvLine& KvLine::number(std::string_view k, std::int64_t value) {
  key(k);
  line_ += std::to_string(value);
  return *this;
}

}  // namespace fabric::forticlient
