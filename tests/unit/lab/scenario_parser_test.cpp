#include "scenarios/lab/scenario.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace fabric::lab;

namespace {

Scenario parseOk(const std::string& text) {
  auto outcome = parseScenario(text);
  if (auto* error = std::get_if<ScenarioError>(&outcome)) FAIL(error->toString());
  return std::get<Scenario>(outcome);
}

ScenarioError parseBad(const std::string& text) {
  auto outcome = parseScenario(text);
  REQUIRE(std::holds_alternative<ScenarioError>(outcome));
  return std::get<ScenarioError>(outcome);
}

// Line numbers differ after formatting; what a scenario means does not.
Scenario withoutLines(Scenario s) {
  for (auto& e : s.endpoints) e.line = e.line == 0 ? 0 : 1;
  for (auto& step : s.steps) step.line = 0;
  return s;
}

}  // namespace

TEST_CASE("the seed flow reads as a person wrote it") {
  auto s = parseOk(R"(# The seed document's flow.
title Seed flow: IoC to quarantine

lab endpoint pc1
lab endpoint mac1 os macos offline

start all
wait pc1 connected within 20s
cli fortigate:
    config system automation-trigger
        edit "trigger01"
            set ioc-level high
        next
    end
endpoint pc1 visit http://malware.bad.example/payload
wait pc1 quarantined within 15s
endpoint pc1 visit http://www.example.com/ expect blocked
expect timeline pc1 steps 1..5 in order
trace pc1
)");
  CHECK(s.title == "Seed flow: IoC to quarantine");
  REQUIRE(s.endpoints.size() == 2);
  CHECK(s.endpoints[1] == EndpointDecl{"mac1", "macos", true, 5});
  REQUIRE(s.steps.size() == 8);
  CHECK(s.steps[0].kind == StepKind::kStart);
  CHECK(s.steps[0].targets == std::vector<std::string>{"all"});
  CHECK(s.steps[1].kind == StepKind::kWait);
  CHECK(s.steps[1].condition.kind == ConditionKind::kConnected);
  CHECK(s.steps[1].within == std::chrono::seconds(20));
  CHECK(s.steps[2].kind == StepKind::kCli);
  CHECK(s.steps[2].line == 9);
  CHECK(s.steps[2].cli_lines ==
        std::vector<std::string>{"config system automation-trigger", "edit \"trigger01\"", "set ioc-level high",
                                 "next", "end"});
  CHECK(s.steps[3].activity == "visit");
  CHECK(s.steps[3].line == 15);
  CHECK_FALSE(s.steps[3].expect_failure);
  CHECK(s.steps[5].expect_failure);
  CHECK(s.steps[6].condition.kind == ConditionKind::kTimelineSteps);
  CHECK(s.steps[6].condition.first_step == 1);
  CHECK(s.steps[6].condition.last_step == 5);
  CHECK(s.steps[6].condition.in_order);
  CHECK(s.steps[7].kind == StepKind::kTrace);
}

TEST_CASE("a scenario without declarations has one Windows endpoint pc1") {
  auto s = parseOk("start all\nendpoint pc1 resolve malware.bad.example\n");
  REQUIRE(s.endpoints.size() == 1);
  CHECK(s.endpoints[0].name == "pc1");
  CHECK(s.endpoints[0].os == "windows");
  CHECK_FALSE(s.endpoints[0].offline);
}

TEST_CASE("node aliases and every statement form parse") {
  auto s = parseOk(R"(lab endpoint lnx os linux
start nodes
start lnx
kill -9 ems
kill faz
stop fgt lnx
restart ems
cli fgt: diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-127.1.1.1
cli ems fails: config nonsense
endpoint lnx connect 198.51.100.7:443
endpoint lnx download 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef http://x.example/f.exe expect ok
wait ems up within 500ms
wait logs matching "logid==0100046600" within 2m
expect no logs matching "level==critical"
expect output contains "Quarantined"
expect output lacks "error"
expect lnx not quarantined
expect lnx connected to ems
expect lnx connected to fgt
expect lnx not connected to fortigate
expect timeline lnx steps 1..3
expect timeline lnx steps 4
expect timeline lnx without step 4
expect fortigate down
say EMS is back: the pending command goes out now.
)");
  REQUIRE(s.steps.size() == 24);
  CHECK(s.steps[2].kind == StepKind::kKill);
  CHECK(s.steps[2].targets == std::vector<std::string>{"ems"});
  CHECK(s.steps[3].targets == std::vector<std::string>{"fortianalyzer"});
  CHECK(s.steps[4].targets == std::vector<std::string>{"fortigate", "lnx"});
  CHECK(s.steps[7].expect_failure);
  CHECK(s.steps[9].arguments.size() == 2);
  CHECK(s.steps[10].within == std::chrono::milliseconds(500));
  CHECK(s.steps[11].condition.filters == std::vector<std::string>{"logid==0100046600"});
  CHECK(s.steps[11].within == std::chrono::minutes(2));
  CHECK(s.steps[17].condition.kind == ConditionKind::kConnectedFortigate);
  CHECK(s.steps[18].condition.kind == ConditionKind::kNotConnectedFortigate);
  CHECK_FALSE(s.steps[19].condition.in_order);
  CHECK(s.steps[20].condition.first_step == 4);
  CHECK(s.steps[20].condition.last_step == 4);
  CHECK(s.steps[21].condition.kind == ConditionKind::kTimelineWithout);
  CHECK(s.steps[22].condition.kind == ConditionKind::kDown);
  CHECK(s.steps[23].text == "EMS is back: the pending command goes out now.");
}

TEST_CASE("timeline conditions name a flow: latest (default), quarantine or release") {
  auto s = parseOk(R"(expect timeline pc1 steps 1..5 in order
expect timeline pc1 flow quarantine steps 1..5 in order
expect timeline pc1 flow release steps 3..5
expect timeline pc1 flow latest without step 2
)");
  REQUIRE(s.steps.size() == 4);
  CHECK(s.steps[0].condition.flow.empty());
  CHECK(s.steps[1].condition.flow == "quarantine");
  CHECK(s.steps[1].condition.in_order);
  CHECK(s.steps[1].condition.first_step == 1);
  CHECK(s.steps[1].condition.last_step == 5);
  CHECK(s.steps[2].condition.flow == "release");
  CHECK(s.steps[2].condition.first_step == 3);
  CHECK_FALSE(s.steps[2].condition.in_order);
  CHECK(s.steps[3].condition.flow == "latest");
  CHECK(s.steps[3].condition.kind == ConditionKind::kTimelineWithout);
  CHECK(s.steps[3].condition.subject == "pc1");
}

TEST_CASE("errors name the line and the problem") {
  struct Case {
    std::string text;
    int line;
    std::string fragment;
  };
  std::vector<Case> cases = {
      {"start all\nstrat ems\n", 2, "unknown statement 'strat'"},
      {"wait pc1 quarantined\n", 1, "wait needs a timeout"},
      {"wait pc1 quarantined within 10\n", 1, "bad duration '10'"},
      {"wait pc1 quarantined within 2h\n", 1, "bad duration"},
      {"wait output contains \"x\" within 1s\n", 1, "use `expect output"},
      {"expect pc2 quarantined\n", 1, "unknown endpoint or node 'pc2'"},
      {"lab endpoint a\nexpect pc1 quarantined\n", 2, "unknown endpoint or node 'pc1'"},
      {"expect timeline pc1 flow first steps 1..5\n", 1, "expected `flow latest`, `flow quarantine` or `flow release`"},
      {"expect timeline pc1 flow\n", 1, "expected `flow latest`"},
      {"expect timeline pc1 flow release\n", 1, "expected `timeline ENDPOINT steps A..B"},
      {"expect pc1 sleeping\n", 1, "unknown condition 'pc1 sleeping'"},
      {"start all\nlab endpoint pc2\n", 2, "must come before the first step (line 1)"},
      {"lab endpoint pc1\nlab endpoint pc1\n", 2, "already declared on line 1"},
      {"lab endpoint ems\n", 1, "reserved word"},
      {"lab endpoint 1pc\n", 1, "bad endpoint name"},
      {"lab endpoint pc os beos\n", 1, "unknown os 'beos'"},
      {"cli fortigate:\nstart all\n", 1, "has no lines"},
      {"cli fortigate\n", 1, "cli needs a colon"},
      {"cli pc1: show\n", 1, "'pc1' is not a node"},
      {"cli ems fails:\n    a\n    b\n", 1, "exactly one line"},
      {"start all\n    set x y\n", 2, "unexpected indented line"},
      {"endpoint pc1 visit www.example.com\n", 1, "http:// or https://"},
      {"endpoint pc1 connect 10.0.0.1:99999\n", 1, "port 1..65535"},
      {"endpoint pc1 download abc\n", 1, "SHA-256"},
      {"endpoint pc1 ping 10.0.0.1\n", 1, "unknown activity 'ping'"},
      {"endpoint pc1 visit http://a/ expect maybe\n", 1, "unknown outcome 'maybe'"},
      {"expect timeline pc1 steps 0..5\n", 1, "bad step range '0..5'"},
      {"expect timeline pc1 steps 4..2\n", 1, "bad step range"},
      {"expect timeline pc1 without step 9\n", 1, "from 1 to 5"},
      {"expect logs matching \"a\n", 1, "not closed"},
      {"expect logs matching \"\"\n", 1, "filter is empty"},
      {"expect logs matching\n", 1, "expected `logs matching"},
      {"expect no logs matching \"a\" \"\"\n", 1, "filter is empty"},
      {"say\n", 1, "say needs the text"},
      {"kill -15 ems\n", 1, "kill only knows -9"},
      {"stop ems ems\n", 1, "named twice"},
      {"stop\n", 1, "needs what to act on"},
      {"title a\ntitle b\n", 2, "already has a title"},
      {"start all\nstop \x01\n", 2, "control character 0x01"},
      {"lab machine x\n", 1, "lab declares endpoints"},
      {"cli fgt: diagnose x Q-${pc2.ip}\n", 1, "unknown reference ${pc2.ip}"},
      {"cli fgt: x ${pc1.mac}\n", 1, "unknown reference ${pc1.mac}"},
      {"cli fgt:\n    a\n    b ${ems}\n", 3, "must be ${NAME.ATTR}"},
      {"expect logs matching \"srcip==${pc1.ip\"\n", 1, "not closed"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto error = parseBad(c.text);
    CHECK(error.line == c.line);
    CHECK_THAT(error.message, Catch::Contains(c.fragment));
    CHECK_THAT(error.toString(), Catch::StartsWith("line " + std::to_string(c.line) + ": "));
  }
}

TEST_CASE("blocks skip blank lines and comments and end at the first unindented line") {
  auto s = parseOk("cli ems:\n    config system server\n\n    # a comment\n\tset remote-https-access enable\n    end\n"
                   "\nstart all\n");
  REQUIRE(s.steps.size() == 2);
  CHECK(s.steps[0].cli_lines ==
        std::vector<std::string>{"config system server", "set remote-https-access enable", "end"});
  CHECK(s.steps[1].line == 8);
}

TEST_CASE("Windows line endings are accepted") {
  auto s = parseOk("start all\r\ncli ems:\r\n    show\r\n");
  REQUIRE(s.steps.size() == 2);
  CHECK(s.steps[1].cli_lines == std::vector<std::string>{"show"});
}

TEST_CASE("formatting then parsing gives the same scenario") {
  auto s = parseOk(R"(title "Quoted" title
lab endpoint pc1 offline
lab endpoint mac os macos
start all
cli fortigate: diagnose endpoint record list
cli ems:
    config system server
    set remote-https-access disable
    end
endpoint pc1 visit "http://a.example/with space" expect blocked
wait logs matching "msg=@x y" "level==high" within 1500ms
expect timeline mac steps 2..4 in order
expect timeline mac flow release steps 3..5 in order
wait timeline pc1 flow quarantine without step 2 within 2s
say done
)");
  std::string text = formatScenario(s);
  auto again = parseOk(text);
  CHECK(withoutLines(again) == withoutLines(s));
  CHECK(formatScenario(again) == text);
}

TEST_CASE("durations") {
  std::chrono::milliseconds d{};
  CHECK(parseDuration("10s", d));
  CHECK(d == std::chrono::seconds(10));
  CHECK(parseDuration("1h", d));
  CHECK_FALSE(parseDuration("0s", d));
  CHECK_FALSE(parseDuration("61m", d));
  CHECK_FALSE(parseDuration("s", d));
  CHECK_FALSE(parseDuration("5 s", d));
  CHECK_FALSE(parseDuration("99999999999999s", d));
  CHECK(formatDuration(std::chrono::milliseconds(1500)) == "1500ms");
  CHECK(formatDuration(std::chrono::minutes(2)) == "2m");
}

TEST_CASE("every shipped scenario file parses") {
  std::filesystem::path dir = std::filesystem::path(FABRIC_SOURCE_DIR) / "scenarios";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".scenario") continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    INFO(entry.path().string());
    auto s = parseOk(text.str());
    CHECK_FALSE(s.title.empty());
    CHECK_FALSE(s.steps.empty());
  }
  CHECK(files >= 1);
}

TEST_CASE("references are expanded with the lab's values") {
  auto s = parseOk("cli fgt: diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-${pc1.ip}\n"
                   "expect logs matching \"devid==${ems.serial}\"\n");
  ReferenceLookup lookup = [](const std::string& name, const std::string& attr) -> std::optional<std::string> {
    if (name == "pc1" && attr == "ip") return "127.9.1.1";
    if (name == "ems" && attr == "serial") return "FCTEMS0012345678";
    return std::nullopt;
  };
  std::string error;
  CHECK(expandReferences(s.steps[0].cli_lines[0], lookup, error) ==
        std::string("diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-127.9.1.1"));
  CHECK(expandReferences(s.steps[1].condition.filters.at(0), lookup, error) == std::string("devid==FCTEMS0012345678"));
  CHECK_FALSE(expandReferences("${pc1.uid}", lookup, error));
  CHECK_THAT(error, Catch::Contains("unknown reference ${pc1.uid}"));
}
