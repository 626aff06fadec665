// The SQLite state: endpoint registry, command queue, audit log; persisted in the file.
#include <unistd.h>

#include <filesystem>

#include "ems_fixture.h"

using namespace fabric::ems;
using namespace fabric::ems::test;

namespace {
EndpointRecord record(const std::string& uid, const std::string& ip) {
  EndpointRecord r;
  r.uid = uid;
  r.hostname = "PC-" + uid.substr(0, 4);
  r.os = "windows";
  r.ip = ip;
  return r;
}

struct TempFile {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("ems-state-" + std::to_string(::getpid()) + ".db");
  ~TempFile() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  }
};
}  // namespace

TEST_CASE("registry: register, find by uid and by ip, online flag, quarantine state", "[ems][store]") {
  auto db = openStateDb(":memory:");
  EndpointRegistry reg(*db);
  reg.registered(record(kUid1, "10.0.0.5"), 100);
  reg.registered(record(kUid2, "10.0.0.5"), 200);
  REQUIRE(reg.count() == 2);
  auto e = reg.find(kUid1);
  REQUIRE(e);
  CHECK(e->online);
  CHECK(e->first_seen == 100);
  CHECK(e->quarantine == "none");
  // Same address: the online one seen last wins.
  CHECK(reg.findByIp("10.0.0.5")->uid == kUid2);
  reg.setOnline(kUid2, false, 300);
  CHECK(reg.findByIp("10.0.0.5")->uid == kUid1);
  CHECK_FALSE(reg.findByIp("10.0.0.6"));
  CHECK_FALSE(reg.find(""));

  reg.setQuarantine(kUid1, "quarantined", 400, "F-1", 400);
  e = reg.find(kUid1);
  CHECK(e->quarantine == "quarantined");
  CHECK(e->quarantine_since == 400);
  CHECK(e->quarantine_flow == "F-1");

  // A re-register updates the identity, keeps first_seen.
  auto moved = record(kUid1, "10.0.0.7");
  moved.quarantine = "quarantined";
  reg.registered(moved, 500);
  e = reg.find(kUid1);
  CHECK(e->ip == "10.0.0.7");
  CHECK(e->first_seen == 100);
  CHECK(e->last_seen == 500);
  reg.markAllOffline();
  for (const auto& r : reg.all()) CHECK_FALSE(r.online);
}

TEST_CASE("command queue: pending in order until completed, only by its endpoint", "[ems][store]") {
  auto db = openStateDb(":memory:");
  CommandQueue q(*db);
  CHECK(q.nextId() == 1);
  auto a = q.add(kUid1, "quarantine", "F-a", "fortigate:127.0.1.1", "CODE1234", 10);
  auto b = q.add(kUid1, "unquarantine", "F-b", "fortigate:127.0.1.1", "", 11);
  auto c = q.add(kUid2, "quarantine", "F-c", "admin:admin", "CODE5678", 12);
  CHECK(a.id < b.id);
  auto pending = q.pending(kUid1);
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].id == a.id);
  CHECK(pending[1].id == b.id);
  CHECK(q.allPending().size() == 3);

  CHECK(a.toMessage() == nlohmann::json{{"type", "command"}, {"id", a.id}, {"action", "quarantine"},
                                        {"flow_id", "F-a"}, {"source", "fortigate:127.0.1.1"},
                                        {"access_code", "CODE1234"}});
  CHECK_FALSE(b.toMessage().contains("access_code"));
  CHECK_FALSE(a.toJson(false).contains("access_code"));

  CHECK_FALSE(q.complete(c.id, kUid1, true, "quarantined", "quarantined", 20));  // not this endpoint's
  CHECK(q.complete(a.id, kUid1, true, "quarantined", "quarantined", 20));
  CHECK_FALSE(q.complete(a.id, kUid1, true, "quarantined", "quarantined", 21));  // not pending anymore
  CHECK(q.complete(c.id, kUid2, false, kLinuxNotSupported, "none", 22));
  CHECK(q.find(a.id)->status == "done");
  CHECK(q.find(c.id)->status == "failed");
  CHECK(q.find(c.id)->result_message == kLinuxNotSupported);
  CHECK(q.pending(kUid1).size() == 1);
  q.markSent(b.id, 30);
  q.markSent(b.id, 31);
  CHECK(q.find(b.id)->sent_count == 2);
  CHECK(q.last(kUid1)->id == b.id);
  CHECK(q.recent(kUid1, 1).size() == 1);
  CHECK_FALSE(q.find(0));
}

TEST_CASE("state survives closing and reopening the database file", "[ems][store]") {
  TempFile file;
  std::int64_t id = 0;
  {
    auto db = openStateDb(file.path.string());
    EndpointRegistry(*db).registered(record(kUid1, "10.0.0.5"), 1);
    id = CommandQueue(*db).add(kUid1, "quarantine", "F-x", "fortigate:127.0.1.1", "CODE", 2).id;
    AuditLog(*db).record({0, 3, "admin", "127.0.1.1", "quarantine", kUid1, "success", "queued"});
  }
  auto db = openStateDb(file.path.string());
  CHECK(EndpointRegistry(*db).find(kUid1));
  auto pending = CommandQueue(*db).pending(kUid1);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].id == id);
  auto audit = AuditLog(*db).recent(10);
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].toJson()["message"] == "queued");
}
