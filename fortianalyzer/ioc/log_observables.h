#pragma once
// What the IoC engine is given per log (live or stored) and what it finds in it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/logfmt/observable.h"
#include "fortianalyzer/ioc/indicator.h"

namespace fabric::faz::ioc {

// The IoC-bearing values of one log plus who the log is about. The endpoint is identified by its
// FortiClient uid when the log has one, else by its source IP (docs/ioc-engine.md "Verdicts").
struct LogObservables {
  std::int64_t logId = 0;          // the log store's id, carried into verdicts and notifications
  std::string endpointUid;         // FortiClient uid / fctuid, may be empty
  std::string endpointIp;          // deviceip / srcip, may be empty
  std::string hostname;            // the endpoint's host name when the log says, may be empty
  std::chrono::system_clock::time_point time{};  // log time; the epoch means "use the clock"
  std::vector<logfmt::Observable> observables;
};

// Rescan input. The log store provides a visitor that calls `each` once per stored log, in any
// order, on the caller's thread; the engine does not keep the reference after the call returns.
using StoredObservables = LogObservables;
using StoredLogVisitor =
    std::function<void(const std::function<void(const StoredObservables&)>& each)>;

// One observable of a log that hit one feed's indicator.
struct IocMatch {
  std::string feed;
  std::string field;     // log field the observable came from ("hostname", "url", …)
  std::string observed;  // the observable as found in the log
  IndicatorKind kind = IndicatorKind::kDomain;  // kind of the indicator that matched
  std::string indicator;  // as stored in the feed ("*.bad.example", "10.0.0.0/8", …)
  IocLevel level = IocLevel::kHigh;
  std::string threat;
};

}  // namespace fabric::faz::ioc
