#pragma once
// The EMS connector (DESIGN.md "EMS connector"): carries out one queued call against its EMS —
// signs in with the entry's admin-username/admin-password, verifies the EMS serial number (the
// certificate's subject serialNumber and GET /api/v1/system/serial_number against the entry's
// `serial-number`), then POSTs /api/v1/endpoints/quarantine or /unquarantine with the flow id —
// and decides what becomes of the call: done, retry later (with backoff) or failed, each with the
// reason. EmsConnectorWorker drains the queue on its own thread (never on the event loop).
//
// Outcomes:
//   transport failure / timeout / 5xx / wrong credentials / serial mismatch → retry with backoff
//     (configuration can be fixed, the EMS can come back), failed after max_attempts;
//   the EMS's own refusal of the call (400, 403, 404, 409) → failed at once with its message.
// Every failed attempt is logged (0107045122) with the reason. A success is logged (0107045128,
// "EMS REST API recovered from an error") only when a failure preceded it: an earlier attempt of
// the same call, or the last call to the same EMS failed. A plain success is not logged.
// After success the worker follows the EMS command the call created (GET /api/v1/endpoints/<uid>,
// backoff as for retries) until the EMS reports its end; `failed` or `timeout` at the endpoint
// fail the call with the EMS's reason and log 0107045122.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "common/base/clock.h"
#include "fortigate/fabric/ems_call_queue.h"
#include "fortigate/fabric/ems_client.h"
#include "fortigate/fabric/event_lines.h"
#include "fortigate/fabric/fabric_context.h"

namespace fabric::fortigate {

struct RetryPolicy {
  int max_attempts = 6;
  std::chrono::milliseconds first_backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
  // Wait before attempt `attempts + 1` after `attempts` failed ones.
  std::chrono::milliseconds backoffAfter(int attempts) const;
};

struct AttemptOutcome {
  enum class Kind { Done, Retry, Fail };
  Kind kind = Kind::Retry;
  int http_status = 0;
  std::string message;  // reason (Retry/Fail) or result summary (Done)
  std::string url;      // the URL of the request that decided the outcome
  std::int64_t command_id = 0;  // Done: the EMS command created (0 when the EMS did not say)
  std::string uid;              // Done: the endpoint uid the EMS answered with
};

// What the EMS says about one command it created.
struct CommandReport {
  enum class Kind { Pending, Settled, Unknown, Retry };
  Kind kind = Kind::Retry;
  std::string status;   // Settled: done / failed / timeout
  std::string message;  // the EMS's result message, or why the command could not be looked up
  std::string url;
};

class EmsConnector {
 public:
  explicit EmsConnector(EmsSessionFactory& factory);
  // One attempt of `call` against `target`. Reuses the signed-in, verified session of that EMS
  // while the target's settings stay the same.
  AttemptOutcome attempt(const EmsCall& call, const EmsTarget& target);
  // Looks command `command_id` of endpoint `uid` up on the EMS (same session as the calls).
  CommandReport checkCommand(const std::string& uid, std::int64_t command_id, const EmsTarget& target);
  void forgetSessions() { sessions_.clear(); }

 private:
  struct Cached {
    std::string fingerprint;
    std::unique_ptr<EmsSession> session;
    bool signed_in = false;
    bool verified = false;
  };
  AttemptOutcome signInAndVerify(Cached& c, const EmsTarget& target);
  Cached& sessionFor(const EmsTarget& target);
  EmsSessionFactory& factory_;
  std::map<std::string, Cached> sessions_;
};

// Drains the queue: takes each due call, reads its EMS target (through `resolve`, which the daemon
// runs on the event loop), attempts it and records the outcome on the call.
class EmsConnectorWorker {
 public:
  using ResolveTarget = std::function<std::optional<EmsTarget>(const std::string& ems_name, std::string& reason)>;
  using LogLine = std::function<void(const EventRecord& event)>;  // called on the worker thread
  EmsConnectorWorker(DeviceInfo device, EmsCallQueue& queue, EmsSessionFactory& factory, ResolveTarget resolve,
                     LogLine log, const Clock& clock, RetryPolicy policy = {});
  ~EmsConnectorWorker();  // stops the thread

  // Processes every call due now, synchronously (tests; the thread calls it too). Returns how many.
  int drainOnce();

  void start();  // the thread: drainOnce, then sleep until the next due call or wake()
  void stop();
  void wake();

 private:
  void process(const EmsCall& call);
  void followUp(const CommandCheck& check);
  void loop();

  DeviceInfo device_;
  EmsCallQueue& queue_;
  EmsConnector connector_;
  ResolveTarget resolve_;
  LogLine log_;
  const Clock& clock_;
  RetryPolicy policy_;
  std::set<std::string> ems_in_error_;  // EMS names whose last call attempt failed (worker thread)
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace fabric::fortigate
