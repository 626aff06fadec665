#pragma once
// The persistent queue of commands for endpoints (table `commands` of state.db). A command is
// `pending` from the moment it is accepted (committed before the REST answer) until the agent's
// `command-result` arrives; then `done` (ok) or `failed` (refused, e.g. Linux). Pending commands are
// (re)sent in id order after every `register`, so neither an offline endpoint nor a kill -9 of
// the EMS loses one. A command sent on a live link and left unanswered for `command-timeout`
// seconds becomes `timeout` (final: not sent again); a result that arrives later still completes
// it. A command for an offline endpoint never times out: it waits for the endpoint.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ems/state_db.h"

namespace fabric::ems {

struct Command {
  std::int64_t id = 0;
  std::string uid;
  std::string action;  // quarantine / unquarantine
  std::string flow_id;
  std::string source;       // fortigate:<address> / admin:<name>
  std::string access_code;  // quarantine only: the one-time release code shown to the admin
  std::int64_t created = 0;
  std::string status = "pending";  // pending / done / failed / timeout
  int sent_count = 0;
  std::int64_t last_sent = 0;
  bool result_ok = false;
  std::string result_message;
  std::string result_state;
  std::int64_t completed = 0;

  // The `command` message of protocols.md.
  nlohmann::json toMessage() const;
  // For REST and the console; the access code is left out unless asked for.
  nlohmann::json toJson(bool with_access_code) const;
};

class CommandQueue {
 public:
  explicit CommandQueue(SqliteDb& db) : db_(db) {}

  // Stores a new pending command and returns it with its id (committed on return).
  Command add(const std::string& uid, const std::string& action, const std::string& flow_id,
              const std::string& source, const std::string& access_code, std::int64_t now);
  // The id the next add() will most likely get (for flow ids made before the insert).
  std::int64_t nextId() const;
  std::vector<Command> pending(const std::string& uid) const;
  std::vector<Command> allPending() const;
  std::optional<Command> find(std::int64_t id) const;
  // The last command of an endpoint, whatever its status.
  std::optional<Command> last(const std::string& uid) const;
  std::vector<Command> recent(const std::string& uid, int limit) const;
  void markSent(std::int64_t id, std::int64_t now);
  // Records the result of a pending command of `uid`; false when there is no such pending command.
  // A command that timed out is completed too (late answer).
  bool complete(std::int64_t id, const std::string& uid, bool ok, const std::string& message,
                const std::string& state, std::int64_t now);
  // pending → timeout with `message` as the result; false when the command is not pending.
  bool timeOut(std::int64_t id, const std::string& message, std::int64_t now);

 private:
  std::vector<Command> select(const std::string& where, const std::string& text_arg,
                              std::int64_t int_arg) const;
  SqliteDb& db_;
};

}  // namespace fabric::ems
