#pragma once
// One endpoint's protocol logic (steps 4 and 5 of the flow), as plain functions of
// (message, state) -> reaction: no sockets here. The runtime feeds it what arrives on the EMS and
// FortiGate links and sends what it answers; tests do the same without a network.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/clock.h"
#include "forticlient/activity.h"
#include "forticlient/client_log.h"
#include "forticlient/fabric_view.h"
#include "forticlient/identity.h"
#include "common/logship/log_sink.h"
#include "forticlient/quarantine_store.h"

namespace fabric::forticlient {

inline constexpr const char* kLinuxRefusal = "Quarantine is not supported on FortiClient (Linux)";
inline constexpr const char* kBlockedReason = "blocked: endpoint is quarantined by EMS";

// A message to send. kFortigates means every FortiGate of the gateway list.
struct Outgoing {
  enum class To { kEms, kFortigates };
  To to;
  nlohmann::json message;
};

struct Reaction {
  std::vector<Outgoing> out;
  std::string error;                // why a message was refused ("" when it was handled)
  bool fabric_changed = false;      // profile or gateway list changed: reconnect the links
  bool quarantine_changed = false;  // enforcement must be (re)applied or removed
};

struct ActivityOutcome {
  bool ok = false;
  std::string message;  // "allowed" or why not
  std::string log_line;
};

class EndpointCore {
 public:
  // Loads the persisted quarantine state (throws std::runtime_error when it is unreadable).
  EndpointCore(Identity identity, QuarantineStore store, logship::LogSink& logs, const Clock& clock,
               std::uint64_t first_session_id = 10000000);

  nlohmann::json emsRegister() const;
  nlohmann::json fortigateRegister() const;

  Reaction onEmsMessage(const nlohmann::json& message);
  Reaction onFortigateMessage(const std::string& gateway, const nlohmann::json& message);
  void onFortigateClosed(const std::string& gateway);

  // Performs an activity's bookkeeping: gate, log line, outcome. Refused while quarantined.
  ActivityOutcome act(const Activity& activity);

  // Local release with the one-time access code EMS handed out with the quarantine command.
  Reaction releaseWithCode(const std::string& code);

  // The state `forticlient status --json` prints.
  nlohmann::json status() const;

  const Identity& identity() const { return identity_; }
  const QuarantineState& quarantine() const { return quarantine_; }
  const FabricView& fabric() const { return fabric_; }
  bool registered() const { return !ems_serial_.empty(); }
  bool fortigateRegistered() const { return !fortigate_serials_.empty(); }
  LogContext logContext() const;

 private:
  Reaction onRegistered(const nlohmann::json& m);
  Reaction onProfile(const nlohmann::json& m);
  Reaction onCommand(const nlohmann::json& m);
  Reaction commandResult(const nlohmann::json& id, bool ok, const std::string& message,
                         const std::string& flow_id);
  // Persists `next`, logs the event and announces the new state to EMS and every FortiGate.
  Reaction changeState(QuarantineState next, QuarantineEvent event, const nlohmann::json& command_id);
  std::string writeLogs(const std::vector<std::string>& lines);
  std::string accessCodeHash(const std::string& code) const;

  Identity identity_;
  QuarantineStore store_;
  logship::LogSink& logs_;
  const Clock& clock_;
  std::uint64_t next_session_;
  QuarantineState quarantine_;
  FabricView fabric_;
  std::string ems_serial_;
  std::map<std::string, std::string> fortigate_serials_;  // gateway name -> serial
  std::uint64_t log_failures_ = 0;
  std::string last_log_error_;
};

}  // namespace fabric::forticlient
