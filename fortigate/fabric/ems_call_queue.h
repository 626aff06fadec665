#pragma once
// The persistent queue of EMS REST calls (DESIGN.md "EMS connector"): every quarantine /
// unquarantine request — from the automation engine or from `diagnose endpoint
// forticlient-ems-rest-api queue-complete-calls Q-<ip>|U-<ip>` — becomes one row of a SQLite table
// in the node home (DIR/ems_calls.db, WAL, synchronous=NORMAL), so a call accepted before a kill -9 is
// still there after the restart. A call is never deleted: it ends `done`, `failed` (with the
// reason) or `refused` (a prerequisite failed before it could be queued; kept so the diagnose
// listing shows why).
//
// States: queued → running → done | retrying → running … | failed. A call found `running` when the
// database is opened (the process died mid-call) goes back to `queued`.
// Order: calls for the same endpoint run one at a time in queue order, so Q-x then U-x never
// overtake each other; a Q-/U- identical to the newest pending call for that ip is not queued twice.
// Follow-up: a call the EMS accepted names the EMS command it created (`command_id`); the call
// then tracks that command (table ems_call_commands) until the EMS reports its end at the endpoint:
// `done`, or `failed` / `timeout` — which turns the call `failed` with the EMS's reason, so the
// queue shows that the quarantine did not happen even though the REST call succeeded.
// Threading: every method is safe from any thread (one mutex; the connector thread and the event
// loop share it). Errors of the database throw std::runtime_error.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.h"

namespace fabric::sqlite {
class SqliteDb;
}

namespace fabric::fortigate {

struct NewEmsCall {
  std::string action;  // "quarantine" / "unquarantine"
  std::string ip;
  std::string uid;
  std::string ems_name;
  std::string ems_serial;
  std::string flow_id;
  std::string source;  // "stitch:<name>" / "diagnose"
};

struct EmsCall {
  std::int64_t id = 0;
  NewEmsCall request;
  std::string state;  // queued running retrying done failed refused
  int attempts = 0;
  std::string last_error;
  int http_status = 0;
  std::string result;  // EMS answer summary on success
  std::chrono::system_clock::time_point created_at, updated_at, next_attempt_at;
  std::int64_t command_id = 0;   // the EMS command, once the EMS accepted the call
  std::string endpoint_status;   // as the EMS last reported it: pending done failed timeout unknown
  std::string endpoint_message;  // the EMS's result message for that command
  std::string code() const;  // "Q-10.0.0.5" / "U-10.0.0.5"
  bool pending() const { return state == "queued" || state == "retrying" || state == "running"; }
};

// One EMS command to look up again (the call that caused it is `done`, the command was pending).
struct CommandCheck {
  std::int64_t call_id = 0;
  std::string uid;
  std::int64_t command_id = 0;
  int checks = 0;
  EmsCall call;
};

struct EnqueueResult {
  std::int64_t id = 0;
  bool duplicate = false;  // an identical pending call already existed; id is that call
};

class EmsCallQueue {
 public:
  EmsCallQueue(const std::filesystem::path& db_path, const Clock& clock);
  ~EmsCallQueue();
  EmsCallQueue(const EmsCallQueue&) = delete;
  EmsCallQueue& operator=(const EmsCallQueue&) = delete;

  EnqueueResult enqueue(const NewEmsCall& call);
  std::int64_t recordRefused(const NewEmsCall& call, const std::string& reason);

  // The oldest due call whose endpoint has no older pending call; marked running, attempts + 1.
  std::optional<EmsCall> takeDue();
  void complete(std::int64_t id, int http_status, const std::string& result);
  void retryLater(std::int64_t id, int http_status, const std::string& error,
                  std::chrono::system_clock::time_point next_attempt);
  void fail(std::int64_t id, int http_status, const std::string& error);

  // Follow the EMS command `command_id` that call `call_id` created, first at `first_check`.
  void trackCommand(std::int64_t call_id, const std::string& uid, std::int64_t command_id,
                    std::chrono::system_clock::time_point first_check);
  std::vector<CommandCheck> dueCommandChecks(std::size_t limit = 50);
  void commandStillPending(std::int64_t call_id, std::chrono::system_clock::time_point next_check);
  // The EMS reported the command's end: `status` done / failed / timeout, or `unknown` (it cannot be
  // followed: stop). failed/timeout make the call `failed` with `message` as its last error.
  void commandSettled(std::int64_t call_id, const std::string& status, const std::string& message);

  // The next call attempt or command check that is due.
  std::optional<std::chrono::system_clock::time_point> nextDueTime() const;
  std::optional<EmsCall> get(std::int64_t id) const;
  std::vector<EmsCall> list(std::size_t limit = 1000) const;  // newest last
  std::size_t pendingCount() const;
  // Calls that were running when the database was opened, requeued (crash recovery).
  int recoveredOnOpen() const { return recovered_; }

  // `diagnose endpoint forticlient-ems-rest-api queue-list`.
  std::string diagnoseList(std::size_t limit = 100) const;

 private:
  std::int64_t insertCall(const NewEmsCall& call, const char* state, const std::string& last_error);
  std::optional<EmsCall> getLocked(std::int64_t id) const;
  void setState(std::int64_t id, const char* state, int http_status, const std::string* error,
                const std::string* result, std::optional<std::chrono::system_clock::time_point> next);

  const Clock& clock_;
  mutable std::mutex mutex_;
  std::unique_ptr<sqlite::SqliteDb> db_;
  int recovered_ = 0;
};

}  // namespace fabric::fortigate
