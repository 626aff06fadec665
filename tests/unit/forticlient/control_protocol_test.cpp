#include "forticlient/control_protocol.h"

#include <catch2/catch.hpp>
#include <filesystem>

namespace fs = std::filesystem;
using namespace fabric::forticlient;
using nlohmann::json;

namespace {

struct NullSink : fabric::logship::LogSink {
  std::size_t count = 0;
  std::string append(const std::vector<std::string>& lines) override {
    count += lines.size();
    return {};
  }
};

struct Fleet {
  Fleet() {
    dir = fs::temp_directory_path() / ("fct-control-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    for (std::uint32_t i = 0; i < 3; ++i) {
      fs::create_directories(dir / std::to_string(i));
      auto id = fleetIdentity("ctl", i, fleetOs(i, 3, 0), *ipv4Add("127.1.0.1", i));
      cores.push_back(std::make_unique<EndpointCore>(id, QuarantineStore(dir / std::to_string(i) / "q.json"),
                                                     sink, clock));
      ptrs.push_back(cores.back().get());
    }
  }
  ~Fleet() { fs::remove_all(dir); }
  fs::path dir;
  NullSink sink;
  fabric::ManualClock clock;
  std::vector<std::unique_ptr<EndpointCore>> cores;
  std::vector<EndpointCore*> ptrs;
};

json quarantineCommand() {
  return {{"type", "command"}, {"id", "c-9"}, {"action", "quarantine"}, {"flow_id", "F-9"},
          {"source", "admin:admin"}, {"access_code", "246810"}};
}

}  // namespace

TEST_CASE("act selects the endpoint by hostname, IP or uid and reports the outcome") {
  Fleet f;
  auto req = std::get<json>(actRequest("127.1.0.2", {"visit", "https://a.example/"}));
  auto out = handleControl(req, f.ptrs);
  CHECK(out.reply["type"] == "act-result");
  CHECK(out.reply["ok"] == true);
  CHECK(out.reply["endpoint"] == f.cores[1]->identity().hostname);
  CHECK(out.reply["log"].get<std::string>().find("remotename=\"a.example\"") != std::string::npos);
  CHECK(out.endpoint == 1u);
  REQUIRE(out.real_activity);
  CHECK(f.sink.count == 1);

  req["endpoint"] = f.cores[2]->identity().uid;
  CHECK(handleControl(req, f.ptrs).endpoint == 2u);
  req["endpoint"] = f.cores[0]->identity().hostname;
  CHECK(handleControl(req, f.ptrs).endpoint == 0u);
}

TEST_CASE("a quarantined endpoint's act fails with the reason and nothing real happens") {
  Fleet f;
  f.cores[0]->onEmsMessage(quarantineCommand());
  auto req = std::get<json>(actRequest("127.1.0.1", {"connect", "203.0.113.5:443"}));
  auto out = handleControl(req, f.ptrs);
  CHECK(out.reply["ok"] == false);
  CHECK(out.reply["message"] == "blocked: endpoint is quarantined by EMS");
  CHECK_FALSE(out.real_activity);
}

TEST_CASE("control errors are specific") {
  Fleet f;
  auto req = std::get<json>(actRequest("", {"resolve", "x.example"}));
  CHECK(handleControl(req, f.ptrs).reply["message"].get<std::string>().find("runs 3 endpoints") != std::string::npos);
  req["endpoint"] = "nobody";
  CHECK(handleControl(req, f.ptrs).reply["message"] == "no endpoint named 'nobody' (hostname, IP or uid)");
  CHECK(handleControl({{"type", "dance"}}, f.ptrs).reply["type"] == "error");
  CHECK(handleControl({{"type", "act"}, {"endpoint", "127.1.0.1"}}, f.ptrs).reply["message"] == "act needs an 'activity'");
  json bad = {{"type", "act"}, {"endpoint", "127.1.0.1"}, {"activity", {{"kind", "visit"}, {"target", "ftp://x/"}}}};
  CHECK(handleControl(bad, f.ptrs).reply["message"].get<std::string>().find("unsupported URL scheme") != std::string::npos);
  CHECK(handleControl({{"type", "status"}, {"endpoint", 5}}, f.ptrs).reply["type"] == "error");
  CHECK(std::get<std::string>(actRequest("", {"visit"})) == "usage: visit URL");
  CHECK(f.sink.count == 0);
}

TEST_CASE("status lists every endpoint or the one selected") {
  Fleet f;
  auto all = handleControl({{"type", "status"}}, f.ptrs).reply;
  CHECK(all["type"] == "status-result");
  REQUIRE(all["endpoints"].size() == 3);
  CHECK(all["endpoints"][2]["os"] == "linux");
  CHECK(all["endpoints"][0]["quarantine"]["state"] == "none");
  auto one = handleControl({{"type", "status"}, {"endpoint", "127.1.0.3"}}, f.ptrs).reply;
  REQUIRE(one["endpoints"].size() == 1);
  CHECK(one["endpoints"][0]["ip"] == "127.1.0.3");
}

TEST_CASE("release with the access code returns the reaction to dispatch") {
  Fleet f;
  f.cores[1]->onEmsMessage(quarantineCommand());
  auto wrong = handleControl({{"type", "release"}, {"endpoint", "127.1.0.2"}, {"code", "1"}}, f.ptrs);
  CHECK(wrong.reply["ok"] == false);
  CHECK(wrong.reply["message"] == "invalid access code");
  CHECK_FALSE(wrong.reaction);
  CHECK(handleControl({{"type", "release"}, {"endpoint", "127.1.0.2"}}, f.ptrs).reply["type"] == "error");
  auto ok = handleControl({{"type", "release"}, {"endpoint", "127.1.0.2"}, {"code", "246810"}}, f.ptrs);
  CHECK(ok.reply["ok"] == true);
  REQUIRE(ok.reaction);
  CHECK(ok.reaction->quarantine_changed);
  CHECK_FALSE(f.cores[1]->quarantine().quarantined);
}

TEST_CASE("a request that is not an object, or whose type is not a string, gets an error") {
  Fleet f;
  for (const json& bad : {json(nullptr), json::array(), json("status"), json{{"type", 5}}}) {
    auto out = handleControl(bad, f.ptrs);
    CHECK(out.reply["type"] == "error");
    CHECK_FALSE(out.endpoint);
  }
}

TEST_CASE("brief status carries identity, links and quarantine only, for one or every endpoint") {
  Fleet f;
  auto all = handleControl({{"type", "status"}, {"brief", true}}, f.ptrs).reply;
  REQUIRE(all["endpoints"].size() == 3);
  const auto& e = all["endpoints"][1];
  CHECK(e["ip"] == "127.1.0.2");
  CHECK(e["uid"] == f.ptrs[1]->identity().uid);
  CHECK(e["hostname"] == f.ptrs[1]->identity().hostname);
  CHECK(e["registered"] == false);
  CHECK(e["fortigates_registered"] == json::object());
  CHECK(e["quarantine"] == json{{"state", "none"}});
  CHECK_FALSE(e.contains("fabric"));
  CHECK_FALSE(e.contains("mac"));
  auto one = handleControl({{"type", "status"}, {"endpoint", "127.1.0.3"}, {"brief", true}}, f.ptrs).reply;
  REQUIRE(one["endpoints"].size() == 1);
  CHECK(one["endpoints"][0]["ip"] == "127.1.0.3");
  // "brief" that is not true gives the full status.
  auto full = handleControl({{"type", "status"}, {"brief", "yes"}}, f.ptrs).reply;
  CHECK(full["endpoints"][0].contains("mac"));
}
