#pragma once
// The real network side of an allowed activity, for network-namespace and container labs
// (--real-connections): resolve asks the system resolver, connect opens a TCP connection, visit and
// download-from-URL open one to the URL's host (and for http:// send a GET and read the status
// line). Sockets are bound to the endpoint's address. Blocking with a timeout: call it off the
// event loop.

#include <chrono>
#include <string>

#include "forticlient/activity.h"

namespace fabric::forticlient {

struct RealOutcome {
  bool attempted = false;  // false: nothing to do for this activity (download by hash only)
  bool ok = false;
  std::string detail;      // "connected to 10.0.0.5:443", "HTTP/1.1 200 OK", or why it failed
};

RealOutcome performRealActivity(const Activity& activity, const std::string& source_ip,
                                std::chrono::milliseconds timeout);

}  // namespace fabric::forticlient
