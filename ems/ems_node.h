#pragma once
// The EMS daemon's object graph, wired in one place: node home, configuration engine (loaded from
// DIR/ems.conf, rewritten atomically on every commit), state database, agent listener (framed
// JSON over TLS, client certificates verified), HTTPS REST server, local console. Every handler
// runs on the one EventLoop that owns the state.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "ems/ems_options.h"

namespace fabric::ems {

class EmsNode {
 public:
  explicit EmsNode(DaemonOptions options);
  ~EmsNode();
  // Loads everything, opens every listener and writes ready.json; "" or the reason it cannot run.
  std::string start();
  // Closes the listeners, stops the loop, removes the runtime files. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fabric::ems
