// The EMS protocol handler against the real FortiClient agent core (forticlient/endpoint_core):
// both sides of docs/protocols.md "FortiClient ↔ EMS" exchange their messages without sockets, so
// a drift between the two implementations fails here.
#include <unistd.h>

#include <filesystem>

#include "ems_fixture.h"
#include "forticlient/endpoint_core.h"

using namespace fabric;
using namespace fabric::ems;
using namespace fabric::ems::test;

namespace {

struct Lines : logship::LogSink {
  std::vector<std::string> lines;
  std::string append(const std::vector<std::string>& batch) override {
    lines.insert(lines.end(), batch.begin(), batch.end());
    return "";
  }
};

struct AgentSide {
  std::filesystem::path dir;
  Lines logs;
  ManualClock clock;
  std::unique_ptr<forticlient::EndpointCore> core;
  AgentSide(const std::string& uid, forticlient::Os os) {
    dir = std::filesystem::temp_directory_path() / ("ems_contract_" + std::to_string(::getpid()) + uid.substr(0, 6));
    std::filesystem::create_directories(dir);
    forticlient::Identity id;
    id.uid = uid;
    id.serial = "FCT1234567890123";
    id.hostname = "PC-01";
    id.os = os;
    id.os_version = "Microsoft Windows 11";
    id.ip = "127.0.5.1";
    id.mac = "00-11-22-33-44-55";
    id.user = "alice";
    id.pcdomain = "LAB";
    id.fctver = "7.0.9.0493";
    core = std::make_unique<forticlient::EndpointCore>(id, forticlient::QuarantineStore(dir / "quarantine.json"),
                                                       logs, clock);
  }
  ~AgentSide() { std::filesystem::remove_all(dir); }
};

// Delivers everything the EMS sent on `conn` (from index `from`) to the agent, and the agent's EMS
// messages back to the EMS, until both are quiet.
void pump(Ems& ems, AgentSide& agent, ConnId conn, std::size_t& from) {
  while (from < ems.transport.sent[conn].size()) {
    auto reaction = agent.core->onEmsMessage(ems.transport.sent[conn][from++]);
    INFO(reaction.error);
    CHECK(reaction.error.empty());
    for (const auto& out : reaction.out) {
      if (out.to == forticlient::Outgoing::To::kEms) CHECK(ems.agents.onMessage(conn, out.message) == "");
    }
  }
}

}  // namespace

TEST_CASE("the real agent core registers, quarantines and is released through the EMS", "[ems][contract]") {
  Ems ems;
  AgentSide agent(kUid1, forticlient::Os::kWindows);
  ems.agents.onOpen(1, "127.0.5.1");
  REQUIRE(ems.agents.onMessage(1, agent.core->emsRegister()) == "");
  std::size_t cursor = 0;
  pump(ems, agent, 1, cursor);
  CHECK(agent.core->registered());
  REQUIRE(agent.core->fabric().profile);
  CHECK(agent.core->fabric().profile->faz_address == "127.0.1.2");
  REQUIRE(agent.core->fabric().gateways.size() == 1);
  CHECK(agent.core->fabric().gateways[0].address == kFgt);

  REQUIRE(ems.signin().status == 200);
  auto q = ems.post("/api/v1/endpoints/quarantine", {{"ip", "127.0.5.1"}, {"flow_id", "F-20261128-000042-7f3a"}});
  REQUIRE(q.status == 200);
  pump(ems, agent, 1, cursor);
  CHECK(agent.core->quarantine().quarantined);
  CHECK(agent.core->quarantine().flow_id == "F-20261128-000042-7f3a");
  auto e = ems.registry.find(kUid1);
  CHECK(e->quarantine == "quarantined");
  CHECK(ems.queue.pending(kUid1).empty());
  CHECK(ems.queue.find(bodyOf(q)["data"]["command_id"].get<std::int64_t>())->status == "done");

  // The agent restarts (same store) and registers again: EMS and agent agree on the state.
  auto identity = agent.core->identity();
  agent.core = std::make_unique<forticlient::EndpointCore>(
      identity, forticlient::QuarantineStore(agent.dir / "quarantine.json"), agent.logs, agent.clock);
  REQUIRE(agent.core->quarantine().quarantined);
  ems.agents.onOpen(2, "127.0.5.1");
  REQUIRE(ems.agents.onMessage(2, agent.core->emsRegister()) == "");
  std::size_t cursor2 = 0;
  pump(ems, agent, 2, cursor2);
  CHECK(ems.registry.find(kUid1)->quarantine == "quarantined");
  CHECK(ems.transport.sent[2][0]["quarantine"]["state"] == "quarantined");

  REQUIRE(ems.post("/api/v1/endpoints/unquarantine", {{"uid", kUid1}}).status == 200);
  pump(ems, agent, 2, cursor2);
  CHECK_FALSE(agent.core->quarantine().quarantined);
  CHECK(ems.registry.find(kUid1)->quarantine == "none");
  CHECK(ems.queue.pending(kUid1).empty());
}

TEST_CASE("a Linux agent core refuses an admin quarantine with the product's message", "[ems][contract]") {
  Ems ems;
  AgentSide agent(kUid2, forticlient::Os::kLinux);
  ems.agents.onOpen(1, "127.0.5.1");
  REQUIRE(ems.agents.onMessage(1, agent.core->emsRegister()) == "");
  // The EMS refuses Linux itself; a command queued before the endpoint reported Linux (here: put
  // straight into the queue) is refused by the agent, and the EMS records the refusal.
  auto cmd = ems.queue.add(kUid2, "quarantine", "F-1", "admin:console", "CODE", 1);
  REQUIRE(ems.agents.deliverPending(kUid2));
  std::size_t cursor = 0;
  pump(ems, agent, 1, cursor);
  auto done = ems.queue.find(cmd.id);
  CHECK(done->status == "failed");
  CHECK(done->result_message == kLinuxNotSupported);
  CHECK(ems.registry.find(kUid2)->quarantine == "none");
}
