#include "forticlient/endpoint_core.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/base/atomic_file.h"
#include "kv_parse.h"

namespace fs = std::filesystem;
using namespace fabric::forticlient;
using nlohmann::json;

namespace {

struct VectorSink : fabric::logship::LogSink {
  std::vector<std::string> lines;
  std::string fail;
  std::string append(const std::vector<std::string>& batch) override {
    if (!fail.empty()) return fail;
    lines.insert(lines.end(), batch.begin(), batch.end());
    return {};
  }
};

struct Fixture {
  explicit Fixture(Os os = Os::kWindows, const std::string& name = "core") {
    dir = fs::temp_directory_path() / ("fct-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    identity = fleetIdentity("core", 1, os, "127.1.0.2");
  }
  ~Fixture() { fs::remove_all(dir); }
  std::unique_ptr<EndpointCore> make() {
    return std::make_unique<EndpointCore>(identity, QuarantineStore(dir / "quarantine.json"), sink, clock);
  }
  fs::path dir;
  Identity identity;
  VectorSink sink;
  fabric::ManualClock clock;
};

json registered() {
  return {{"type", "registered"},
          {"ems_serial", "FCTEMS0000012345"},
          {"profile", {{"name", "Default"}, {"faz_address", "127.0.0.30"}, {"faz_port", 6514}}},
          {"gateways", json::array({{{"name", "FGT-A"}, {"address", "127.0.0.10"}, {"port", 8013}}})},
          {"quarantine", {{"state", "none"}, {"since", nullptr}}}};
}

json command(const std::string& action, const std::string& id = "c-1") {
  return {{"type", "command"}, {"id", id}, {"action", action}, {"flow_id", "F-20261128-000001-abcd"},
          {"source", "fortigate:FGVM01TM00000001"}, {"access_code", "739164"}};
}

const Activity kVisit = std::get<Activity>(parseActivity({"visit", "https://bad.example/x"}));

}  // namespace

TEST_CASE("register messages carry the identity and the enforced quarantine state") {
  Fixture f;
  auto core = f.make();
  auto reg = core->emsRegister();
  CHECK(reg["type"] == "register");
  CHECK(reg["uid"] == f.identity.uid);
  CHECK(reg["os"] == "windows");
  CHECK(reg["os_version"] == f.identity.os_version);
  CHECK(reg["mac"] == f.identity.mac);
  CHECK(reg["quarantine"]["state"] == "none");
  CHECK(reg["quarantine"]["since"].is_null());
  auto fgt = core->fortigateRegister();
  CHECK(fgt["ems_serial"] == "N/A");
  core->onEmsMessage(registered());
  CHECK(core->fortigateRegister()["ems_serial"] == "FCTEMS0000012345");
}

TEST_CASE("registered and profile set the fabric view; bad ones change nothing") {
  Fixture f;
  auto core = f.make();
  auto r = core->onEmsMessage(registered());
  CHECK(r.error.empty());
  CHECK(r.fabric_changed);
  REQUIRE(core->fabric().profile);
  CHECK(core->fabric().profile->faz_address == "127.0.0.30");
  CHECK(core->fabric().gateways.size() == 1);
  CHECK_FALSE(core->onEmsMessage(registered()).fabric_changed);

  auto bad = registered();
  bad["gateways"][0]["port"] = 70000;
  auto rb = core->onEmsMessage(bad);
  CHECK(rb.error.find("port") != std::string::npos);
  CHECK(core->fabric().gateways[0].port == 8013);

  json profile = {{"type", "profile"}, {"profile", nullptr}, {"gateways", json::array()}};
  auto rp = core->onEmsMessage(profile);
  CHECK(rp.error.empty());
  CHECK(rp.fabric_changed);
  CHECK_FALSE(core->fabric().profile);

  CHECK(core->onEmsMessage({{"type", "nonsense"}}).error == "unknown message type 'nonsense' from EMS");
  CHECK(core->onEmsMessage({{"type", "registered"}}).error.find("ems_serial") != std::string::npos);
  CHECK(core->onEmsMessage({{"type", "heartbeat"}}).error.empty());
}

TEST_CASE("quarantine command: persist, answer EMS, tell EMS and every FortiGate, gate activities") {
  Fixture f;
  auto core = f.make();
  core->onEmsMessage(registered());
  REQUIRE(core->act(kVisit).ok);

  auto r = core->onEmsMessage(command("quarantine"));
  CHECK(r.error.empty());
  CHECK(r.quarantine_changed);
  REQUIRE(r.out.size() == 3);
  CHECK(r.out[0].to == Outgoing::To::kEms);
  CHECK(r.out[0].message["type"] == "command-result");
  CHECK(r.out[0].message["id"] == "c-1");
  CHECK(r.out[0].message["ok"] == true);
  CHECK(r.out[0].message["state"] == "quarantined");
  CHECK(r.out[0].message["flow_id"] == "F-20261128-000001-abcd");
  CHECK(r.out[1].to == Outgoing::To::kEms);
  CHECK(r.out[1].message == json({{"type", "status"}, {"state", "quarantined"}, {"flow_id", "F-20261128-000001-abcd"}}));
  CHECK(r.out[2].to == Outgoing::To::kFortigates);
  CHECK(r.out[2].message["type"] == "status");

  auto stored = QuarantineStore(f.dir / "quarantine.json").load();
  CHECK(stored.quarantined);
  CHECK(stored.command_id == "c-1");
  // The access code is only stored as a hash.
  CHECK(fabric::readFile(f.dir / "quarantine.json")->find("739164") == std::string::npos);

  auto blocked = core->act(kVisit);
  CHECK_FALSE(blocked.ok);
  CHECK(blocked.message == "blocked: endpoint is quarantined by EMS");
  CHECK(fabric::forticlient::test::kvMap(blocked.log_line)["utmaction"].value == "blocked");
  CHECK(core->emsRegister()["quarantine"]["state"] == "quarantined");

  // A redelivered command is answered again without a second transition.
  auto again = core->onEmsMessage(command("quarantine"));
  REQUIRE(again.out.size() == 1);
  CHECK(again.out[0].message["ok"] == true);
  CHECK(again.out[0].message["message"] == "already quarantined");
  CHECK_FALSE(again.quarantine_changed);

  auto u = core->onEmsMessage(command("unquarantine", "c-2"));
  REQUIRE(u.out.size() == 3);
  CHECK(u.out[0].message["state"] == "none");
  CHECK(u.out[2].message["state"] == "none");
  CHECK(core->act(kVisit).ok);
  CHECK_FALSE(QuarantineStore(f.dir / "quarantine.json").load().quarantined);
  auto idle = core->onEmsMessage(command("unquarantine", "c-3"));
  CHECK(idle.out[0].message["message"] == "not quarantined");
}

TEST_CASE("a Linux endpoint refuses quarantine with the product's message") {
  Fixture f(Os::kLinux, "linux");
  auto core = f.make();
  auto r = core->onEmsMessage(command("quarantine"));
  REQUIRE(r.out.size() == 1);
  CHECK(r.out[0].message["ok"] == false);
  CHECK(r.out[0].message["message"] == "Quarantine is not supported on FortiClient (Linux)");
  CHECK(r.out[0].message["state"] == "none");
  CHECK_FALSE(r.quarantine_changed);
  CHECK_FALSE(fs::exists(f.dir / "quarantine.json"));
  CHECK(core->act(kVisit).ok);
  // The refusal is logged with the flow id.
  REQUIRE_FALSE(f.sink.lines.empty());
  CHECK(f.sink.lines.front().find("flowid=\"F-20261128-000001-abcd\"") != std::string::npos);
}

TEST_CASE("bad commands are answered with a reason and change nothing") {
  Fixture f;
  auto core = f.make();
  auto r = core->onEmsMessage(command("explode"));
  CHECK(r.out.at(0).message["ok"] == false);
  CHECK(r.out.at(0).message["message"] == "unknown action 'explode'");
  auto noid = command("quarantine");
  noid.erase("id");
  auto r2 = core->onEmsMessage(noid);
  CHECK(r2.out.at(0).message["ok"] == false);
  CHECK_FALSE(core->quarantine().quarantined);
  // Numeric ids are echoed as given.
  auto numeric = command("quarantine");
  numeric["id"] = 42;
  CHECK(core->onEmsMessage(numeric).out.at(0).message["id"] == 42);
}

TEST_CASE("quarantine survives a restart; a state that cannot be persisted is not claimed") {
  Fixture f;
  {
    auto core = f.make();
    core->onEmsMessage(command("quarantine"));
  }
  auto restarted = f.make();
  CHECK(restarted->quarantine().quarantined);
  CHECK_FALSE(restarted->act(kVisit).ok);
  CHECK(restarted->emsRegister()["quarantine"]["state"] == "quarantined");

  // A store that cannot be written: the command fails, the state stays.
  Fixture g(Os::kWindows, "ro");
  auto core = std::make_unique<EndpointCore>(g.identity, QuarantineStore(g.dir / "missing" / "q.json"),
                                             g.sink, g.clock);
  auto r = core->onEmsMessage(command("quarantine"));
  CHECK(r.out.at(0).message["ok"] == false);
  CHECK(r.out.at(0).message["message"].get<std::string>().find("cannot persist") == 0);
  CHECK_FALSE(core->quarantine().quarantined);
}

TEST_CASE("a corrupt quarantine file stops the endpoint instead of silently releasing it") {
  Fixture f;
  REQUIRE(fabric::writeFileAtomically(f.dir / "quarantine.json", "{\"state\":\"maybe\"}").empty());
  CHECK_THROWS_WITH(f.make(), Catch::Contains("state must be none or quarantined"));
}

TEST_CASE("local release needs the one-time access code") {
  Fixture f;
  auto core = f.make();
  CHECK(core->releaseWithCode("739164").error == "the endpoint is not quarantined");
  core->onEmsMessage(command("quarantine"));
  CHECK(core->releaseWithCode("000000").error == "invalid access code");
  CHECK(core->quarantine().quarantined);
  auto r = core->releaseWithCode("739164");
  CHECK(r.error.empty());
  REQUIRE(r.out.size() == 2);
  CHECK(r.out[0].message["type"] == "status");
  CHECK(r.out[0].message["state"] == "none");
  CHECK(r.out[1].to == Outgoing::To::kFortigates);
  CHECK_FALSE(core->quarantine().quarantined);
  CHECK(core->quarantine().source == "local:access-code");
}

TEST_CASE("FortiGate registered fills fgtserial of later log lines") {
  Fixture f;
  auto core = f.make();
  core->onEmsMessage(registered());
  CHECK(core->onFortigateMessage("FGT-A", {{"type", "registered"}, {"fgt_serial", "FGVM01TM00000001"},
                                           {"hostname", "FGT-A"}}).error.empty());
  auto line = core->act(kVisit).log_line;
  CHECK(fabric::forticlient::test::kvMap(line)["fgtserial"].value == "FGVM01TM00000001");
  CHECK(core->onFortigateMessage("FGT-A", {{"type", "registered"}}).error.find("fgt_serial") != std::string::npos);
  CHECK_FALSE(core->onFortigateMessage("FGT-A", {{"type", "what"}}).error.empty());
  core->onFortigateClosed("FGT-A");
  CHECK(fabric::forticlient::test::kvMap(core->act(kVisit).log_line)["fgtserial"].value == "N/A");
}

TEST_CASE("an activity whose log line cannot be buffered says so") {
  Fixture f;
  auto core = f.make();
  f.sink.fail = "log buffer full";
  auto out = core->act(kVisit);
  CHECK(out.ok);
  CHECK(out.message.find("log line not recorded: log buffer full") != std::string::npos);
  CHECK(core->status()["log_batches_refused"] == 1);
  CHECK(core->status()["serial"] == core->identity().serial);
}
