#pragma once
// Where a node's log lines go before they are shipped: the on-disk buffer in production, a vector
// in tests.

#include <string>
#include <vector>

namespace fabric::logship {

class LogSink {
 public:
  virtual ~LogSink() = default;
  // Accepts the lines as one batch, durably; "" on success, else why nothing was accepted.
  virtual std::string append(const std::vector<std::string>& lines) = 0;
};

}  // namespace fabric::logship
